package dev.cartwright.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names the Grafana dashboards and the Prometheus rules under {@code deploy/observability} read, and the
 * names a {@code /metrics} page exposes: tests hold the first to the second, so that a renamed meter cannot leave a
 * dashboard or an alert silently empty.
 */
public final class DashboardMetrics {

    /** Our own metrics; recording rules' outputs are named {@code cartwright:...} and so are not matched. */
    private static final Pattern NAMED = Pattern.compile("\\bcartwright_[a-z0-9_]+");

    private DashboardMetrics() {
    }

    /** The repository's root: the nearest directory up from the working directory holding deploy/observability. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/observability"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/observability above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code cartwright_*} metric named by an alert or recording rule or a dashboard. */
    public static Set<String> named() {
        Path observability = repositoryRoot().resolve("deploy/observability");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(
                Files.list(observability.resolve("prometheus/rules")),
                Files.list(observability.resolve("grafana/dashboards")))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".json")).toList()) {
                Matcher m = NAMED.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no cartwright_* metric named under " + observability);
        }
        return names;
    }

    /** The sample names on a Prometheus text page (histograms as their _bucket, _count and _sum series). */
    public static Set<String> exposed(String metricsPage) {
        Set<String> names = new TreeSet<>();
        metricsPage.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        });
        return names;
    }
}

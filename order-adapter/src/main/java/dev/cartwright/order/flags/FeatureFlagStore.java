package dev.cartwright.order.flags;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the flags currently in force: an immutable {@link FeatureFlags} behind an {@link AtomicReference}, replaced
 * whole by a reload. Readers call {@link #current()} (one volatile read, no lock); reloads come from an explicit
 * {@link #reload()} or from {@link #watch}, a Vert.x timer that checks the file's modification time and size and reads
 * it again (without blocking the event loop) when either moved.
 *
 * <p>A reload that meets a bad file keeps the previous flags and says why: a half-edited file must not switch a
 * migration step off or on by accident. Start-up is stricter: {@link #load} throws on a bad file or environment.
 */
public final class FeatureFlagStore {

    /** Names the flags file: properties, or JSON when the name ends in {@code .json}. */
    public static final String FILE_VARIABLE = "CARTWRIGHT_FLAGS_FILE";

    private static final Logger LOG = LoggerFactory.getLogger(FeatureFlagStore.class);

    private record FileStamp(long modifiedMillis, long size) {
    }

    private final FlagCatalog catalog;
    private final Optional<Path> file;
    private final Map<String, String> environment;
    private final AtomicReference<FeatureFlags> current;
    private final AtomicReference<FileStamp> seen = new AtomicReference<>();
    /** Reloads are numbered when they start; an older one finishing late never replaces a newer result. */
    private final AtomicLong reloadsStarted = new AtomicLong();
    private final AtomicLong newestApplied = new AtomicLong();
    private final List<Consumer<FeatureFlags>> listeners = new CopyOnWriteArrayList<>();

    private FeatureFlagStore(FlagCatalog catalog, Optional<Path> file, Map<String, String> environment, FeatureFlags initial) {
        this.catalog = catalog;
        this.file = file;
        this.environment = environment;
        this.current = new AtomicReference<>(initial);
    }

    /**
     * Reads the catalogue's defaults, the file named by {@value #FILE_VARIABLE} (if set) and the
     * {@code CARTWRIGHT_FLAG_*} variables of {@code environment}. Blocking (reads the file): call it at start-up.
     *
     * @throws FlagConfigException naming the bad flag and its source
     */
    public static FeatureFlagStore load(FlagCatalog catalog, Map<String, String> environment) {
        String named = environment.get(FILE_VARIABLE);
        Optional<Path> file = named == null || named.isBlank() ? Optional.empty() : Optional.of(Path.of(named.trim()));
        return load(catalog, file, environment);
    }

    /** Like {@link #load(FlagCatalog, Map)} with the file given explicitly. */
    public static FeatureFlagStore load(FlagCatalog catalog, Optional<Path> file, Map<String, String> environment) {
        Map<String, String> flagVariables = new LinkedHashMap<>();
        environment.forEach((k, v) -> {
            if (k.startsWith(FlagSources.ENVIRONMENT_PREFIX)) {
                flagVariables.put(k, v);
            }
        });
        FileStamp stamp = file.map(FeatureFlagStore::stampOf).orElse(null);
        byte[] content = file.map(FeatureFlagStore::readBlocking).orElse(null);
        FeatureFlags initial = FlagSources.resolve(catalog, file.orElse(null), content, flagVariables);
        FeatureFlagStore store = new FeatureFlagStore(catalog, file, Map.copyOf(flagVariables), initial);
        store.seen.set(stamp);
        return store;
    }

    /** A store that only ever holds what it is given through {@link #replace}: for tests and tools without a file. */
    public static FeatureFlagStore fixed(FeatureFlags flags) {
        return new FeatureFlagStore(FlagCatalog.ofRollouts(flags.settings()), Optional.empty(), Map.of(), flags);
    }

    /** The flags in force now. */
    public FeatureFlags current() {
        return current.get();
    }

    public FlagCatalog catalog() {
        return catalog;
    }

    public Optional<Path> file() {
        return file;
    }

    /** Called with the new snapshot after every reload that changed something (on the reloading thread). */
    public void onChange(Consumer<FeatureFlags> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /**
     * Puts {@code flags} in force at once, as a reload would (environment overrides still win). For operators' tools
     * and tests; a later reload of the file replaces it again.
     */
    public ReloadOutcome replace(FeatureFlags flags) {
        flags.settings().forEach((flag, setting) -> {
            if (!catalog.knows(flag)) {
                throw new FlagConfigException("unknown flag '" + flag + "'; known: " + catalog.defaults().keySet());
            }
            catalog.requireAllowed(flag, setting);
        });
        FeatureFlags merged = flags;
        for (Map.Entry<String, FlagSetting> e : FlagSources.fromEnvironment(catalog, environment).entrySet()) {
            merged = merged.with(e.getKey(), e.getValue());
        }
        return apply(reloadsStarted.incrementAndGet(), merged);
    }

    /** Reads the file again now. Blocking: for the command-line tool and tests, not for an event loop. */
    public ReloadOutcome reload() {
        long number = reloadsStarted.incrementAndGet();
        if (file.isEmpty()) {
            return apply(number, FlagSources.resolve(catalog, null, null, environment));
        }
        try {
            FileStamp stamp = stampOf(file.get());
            FeatureFlags next = FlagSources.resolve(catalog, file.get(), readBlocking(file.get()), environment);
            seen.set(stamp);
            return apply(number, next);
        } catch (FlagConfigException e) {
            return rejected(e.getMessage());
        }
    }

    /** Reads the file again through Vert.x's file system, without blocking the calling event loop. */
    public Future<ReloadOutcome> reload(Vertx vertx) {
        long number = reloadsStarted.incrementAndGet();
        if (file.isEmpty()) {
            return Future.succeededFuture(apply(number, FlagSources.resolve(catalog, null, null, environment)));
        }
        String path = file.get().toString();
        return vertx.fileSystem().props(path)
            .compose(props -> vertx.fileSystem().readFile(path).map(buffer -> {
                FeatureFlags next = FlagSources.resolve(catalog, file.get(), buffer.getBytes(), environment);
                seen.set(new FileStamp(props.lastModifiedTime(), props.size()));
                return apply(number, next);
            }))
            .recover(e -> Future.succeededFuture(rejected(e instanceof FlagConfigException ? e.getMessage()
                : "cannot read " + path + ": " + e.getMessage())));
    }

    /**
     * Checks the file every {@code period} and reloads it when its modification time or size moved. Returns the
     * timer id (cancel it with {@code vertx.cancelTimer}); -1 when there is no file to watch.
     */
    public long watch(Vertx vertx, Duration period) {
        if (file.isEmpty()) {
            return -1;
        }
        String path = file.get().toString();
        return vertx.setPeriodic(Math.max(1, period.toMillis()), id -> vertx.fileSystem().props(path).onComplete(props -> {
            if (props.failed()) {
                LOG.warn("feature flags file {} cannot be read ({}); keeping the flags in force", path, props.cause().getMessage());
                return;
            }
            FileStamp stamp = new FileStamp(props.result().lastModifiedTime(), props.result().size());
            if (!stamp.equals(seen.get())) {
                reload(vertx);
            }
        }));
    }

    private ReloadOutcome apply(long number, FeatureFlags next) {
        while (true) {
            long newest = newestApplied.get();
            if (number < newest) {
                // A reload that started later already finished; its view of the file is the newer one.
                return new ReloadOutcome.Unchanged(current.get());
            }
            if (newestApplied.compareAndSet(newest, number)) {
                break;
            }
        }
        FeatureFlags before = current.getAndSet(next);
        Set<String> changed = new TreeSet<>();
        next.settings().forEach((flag, setting) -> {
            if (!setting.equals(before.settings().get(flag))) {
                changed.add(flag);
            }
        });
        if (changed.isEmpty()) {
            return new ReloadOutcome.Unchanged(next);
        }
        LOG.info("feature flags changed: {}", describe(before, next, changed));
        for (Consumer<FeatureFlags> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warn("feature flag listener failed", e);
            }
        }
        return new ReloadOutcome.Changed(before, next, changed);
    }

    private static String describe(FeatureFlags before, FeatureFlags after, Set<String> changed) {
        StringBuilder text = new StringBuilder();
        for (String flag : changed) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(flag).append(' ').append(before.settings().get(flag)).append(" -> ").append(after.settings().get(flag));
        }
        return text.toString();
    }

    private ReloadOutcome rejected(String reason) {
        LOG.warn("feature flags not reloaded, keeping the flags in force: {}", reason);
        return new ReloadOutcome.Rejected(reason);
    }

    private static FileStamp stampOf(Path path) {
        try {
            return new FileStamp(Files.getLastModifiedTime(path).toMillis(), Files.size(path));
        } catch (IOException e) {
            throw new FlagConfigException("cannot read feature flags file " + path + ": " + e.getMessage());
        }
    }

    private static byte[] readBlocking(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new FlagConfigException("cannot read feature flags file " + path + ": " + e.getMessage());
        }
    }
}

package dev.cartwright.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwright.service.admin.AdminServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every YAML file the project ships for deployment parses, and the Kubernetes manifests and docker-compose.yml hold to
 * what the services really read and serve: each {@code CARTWRIGHT_*} name they set is a setting some service reads
 * (found in its sources), each container port is the one the service is told to listen on, each probe asks a path
 * the admin server answers, and Prometheus scrapes the admin ports.
 */
class DeploymentManifestsTest {

    private static final Pattern SETTING = Pattern.compile("CARTWRIGHT_[A-Z0-9_]*[A-Z0-9]");
    private static final List<String> CHECKOUT_MODULES = List.of("service-kit", "cart-engine", "order-adapter", "checkout-verticles");
    private static final List<String> RETURN_MODULES = List.of("service-kit", "return-verticles");

    private final Path root = repositoryRoot();

    @Test
    void everyDeploymentYamlFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Stream.concat(Files.walk(root.resolve("deploy")), Stream.of(root.resolve("docker-compose.yml")))) {
            files = walk.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThan(8);
        for (Path file : files) {
            List<Object> documents = new ArrayList<>();
            new Yaml().loadAll(Files.readString(file)).forEach(documents::add);
            assertThat(documents).as(file.toString()).isNotEmpty().doesNotContainNull();
        }
    }

    @Test
    void kubernetesSettingsPortsAndProbesAreWhatTheServicesReadAndServe() throws Exception {
        Map<String, Object> configMap = document("deploy/k8s/config.yaml", "ConfigMap");
        Map<String, Object> shared = map(configMap.get("data"));
        Set<String> readByEither = new TreeSet<>(settingsReadBy(CHECKOUT_MODULES));
        readByEither.addAll(settingsReadBy(RETURN_MODULES));
        assertThat(readByEither).as("settings the services read").contains("CARTWRIGHT_PG_HOST", "CARTWRIGHT_LOG_FORMAT");
        assertThat(shared.keySet()).as("ConfigMap keys").isSubsetOf(readByEither);
        Set<String> secret = map(document("deploy/k8s/secret.example.yaml", "Secret").get("stringData")).keySet();
        assertThat(secret).isSubsetOf(readByEither);

        Set<String> probed = new TreeSet<>();
        probed.addAll(checkDeployment("deploy/k8s/checkout-service.yaml", CHECKOUT_MODULES, "CARTWRIGHT_CHECKOUT_PORT",
            "CARTWRIGHT_CHECKOUT_ADMIN_PORT"));
        probed.addAll(checkDeployment("deploy/k8s/return-service.yaml", RETURN_MODULES, "CARTWRIGHT_RETURN_PORT",
            "CARTWRIGHT_RETURN_ADMIN_PORT"));
        assertThat(probed).containsExactlyInAnyOrder("/live", "/ready");
        assertTheAdminServerAnswers(probed);
    }

    @Test
    void composeSettingsPortsAndScrapesAreWhatTheServicesReadAndServe() {
        Map<String, Object> services = map(load("docker-compose.yml").get(0).get("services"));
        int checkoutAdmin = checkCompose(map(services.get("checkout-service")), CHECKOUT_MODULES, "CARTWRIGHT_CHECKOUT_PORT",
            "CARTWRIGHT_CHECKOUT_ADMIN_PORT");
        int returnAdmin = checkCompose(map(services.get("return-service")), RETURN_MODULES, "CARTWRIGHT_RETURN_PORT",
            "CARTWRIGHT_RETURN_ADMIN_PORT");
        assertThat(services).containsKeys("postgres", "redis", "kafka", "platform-sim", "gateway", "prometheus", "grafana");
        assertThat(map(services.get("platform-sim")).get("environment").toString()).contains("CARTWRIGHT_SIM_HOST");

        List<String> targets = new ArrayList<>();
        for (Object job : list(load("deploy/observability/prometheus/prometheus.yml").get(0).get("scrape_configs"))) {
            for (Object config : list(map(job).get("static_configs"))) {
                list(map(config).get("targets")).forEach(t -> targets.add(t.toString()));
            }
        }
        assertThat(targets).contains("checkout-service:" + checkoutAdmin, "return-service:" + returnAdmin);
    }

    /** The deployment's env and ports; returns the probe paths. */
    private Set<String> checkDeployment(String file, List<String> modules, String portKey, String adminPortKey) {
        Map<String, Object> deployment = document(file, "Deployment");
        Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        Map<String, String> env = new HashMap<>();
        for (Object entry : list(container.get("env"))) {
            env.put(map(entry).get("name").toString(), String.valueOf(map(entry).get("value")));
        }
        Set<String> read = settingsReadBy(modules);
        env.keySet().stream().filter(k -> k.startsWith("CARTWRIGHT_"))
            .forEach(k -> assertThat(read).as(file + " sets " + k + ", which the service reads").contains(k));
        assertThat(list(container.get("envFrom")).toString()).contains("cartwright-config", "cartwright-secrets");

        Map<String, Integer> ports = new HashMap<>();
        for (Object port : list(container.get("ports"))) {
            ports.put(map(port).get("name").toString(), (Integer) map(port).get("containerPort"));
        }
        assertThat(ports).containsEntry("grpc", Integer.parseInt(env.get(portKey)))
            .containsEntry("admin", Integer.parseInt(env.get(adminPortKey)));
        assertThat(map(container.get("resources")).keySet()).contains("requests", "limits");

        Set<String> paths = new TreeSet<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(get.get("port")).as(file + " " + probe + " port").isEqualTo("admin");
            paths.add(get.get("path").toString());
        }
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/ready");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/live");

        String name = map(deployment.get("metadata")).get("name").toString();
        for (String kind : List.of("Service", "PodDisruptionBudget", "HorizontalPodAutoscaler")) {
            assertThat(map(document(file, kind).get("metadata")).get("name")).as(file + " " + kind).isEqualTo(name);
        }
        return paths;
    }

    /** The compose service's env and published ports; returns its admin port. */
    private int checkCompose(Map<String, Object> service, List<String> modules, String portKey, String adminPortKey) {
        Map<String, Object> env = map(service.get("environment"));
        Set<String> read = settingsReadBy(modules);
        env.keySet().stream().filter(k -> k.startsWith("CARTWRIGHT_"))
            .forEach(k -> assertThat(read).as("docker-compose.yml sets " + k + ", which the service reads").contains(k));
        int port = Integer.parseInt(env.get(portKey).toString());
        int admin = Integer.parseInt(env.get(adminPortKey).toString());
        assertThat(list(service.get("ports"))).map(Object::toString).contains(port + ":" + port, admin + ":" + admin);
        return admin;
    }

    private void assertTheAdminServerAnswers(Set<String> paths) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = new AdminServer(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .check("ok", () -> Future.succeededFuture())
                .listen("127.0.0.1", 0).await(30, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            for (String path : paths) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    /** Every CARTWRIGHT_* name in the main sources and resources of these modules. */
    private Set<String> settingsReadBy(List<String> modules) {
        Set<String> names = new TreeSet<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Matcher m = SETTING.matcher(Files.readString(file));
                    while (m.find()) {
                        names.add(m.group());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    private Map<String, Object> document(String file, String kind) {
        return load(file).stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
            .orElseThrow(() -> new AssertionError(file + " has no " + kind));
    }

    private List<Map<String, Object>> load(String file) {
        try {
            List<Map<String, Object>> documents = new ArrayList<>();
            new Yaml().loadAll(Files.readString(root.resolve(file))).forEach(d -> documents.add(map(d)));
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/k8s"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/k8s above " + Path.of("").toAbsolutePath());
    }
}

package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.memagent.testapps.HttpApp;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a team installs and runs in production: the licence and notice, the distribution archive,
 * the version, the Kubernetes manifests (parsed, wired, validated against the schemas, the
 * Prometheus job checked by promtool), a memory-limited cgroup read as the container's limit, heap
 * dumps from a read-only working directory, the service name from OpenTelemetry's variable.
 */
class DeploymentIT {
    static final Path ROOT = Path.of(System.getProperty("memagenttest.rootDir", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("memagenttest.version");
    static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
    /** Every library shaded into the agent jar (its package under io/memagent/shaded/) and its name in NOTICE. */
    static final Map<String, String> SHADED = new LinkedHashMap<>();

    static {
        SHADED.put("net/bytebuddy/jar/asm/", "ASM (org.ow2.asm)");
        SHADED.put("net/bytebuddy/", "Byte Buddy (net.bytebuddy:byte-buddy)");
        SHADED.put("com/fasterxml/jackson/", "Jackson (com.fasterxml.jackson.core");
        SHADED.put("com/zaxxer/hikari/", "HikariCP (com.zaxxer:HikariCP)");
        SHADED.put("org/flywaydb/", "Flyway Community (org.flywaydb");
        SHADED.put("org/postgresql/shaded/com/ongres/", "com.ongres.scram (scram-client, scram-common)");
        SHADED.put("org/postgresql/", "PostgreSQL JDBC Driver (org.postgresql:postgresql)");
        SHADED.put("org/slf4j/", "SLF4J (org.slf4j");
        SHADED.put("org/HdrHistogram/", "HdrHistogram (org.hdrhistogram:HdrHistogram)");
    }

    @Test
    void theAgentJarCarriesTheLicenceAndANoticeNamingEveryLibraryInside() throws Exception {
        String notice = Files.readString(ROOT.resolve("NOTICE"));
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License\n                           Version 2.0"));
        try (ZipFile jar = new ZipFile(AppRun.AGENT_JAR)) {
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("LICENSE")), read(jar, "META-INF/LICENSE"));
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("NOTICE")), read(jar, "META-INF/NOTICE"));
            TreeSet<String> unnamed = new TreeSet<>();
            jar.stream().map(ZipEntry::getName).filter(n -> n.startsWith("io/memagent/shaded/") && n.endsWith(".class"))
                    .map(n -> n.substring("io/memagent/shaded/".length()))
                    .forEach(n -> {
                        String library = SHADED.entrySet().stream().filter(e -> n.startsWith(e.getKey())).map(Map.Entry::getValue)
                                .findFirst().orElse(null);
                        if (library == null) {
                            unnamed.add(n.substring(0, n.lastIndexOf('/') + 1));
                        } else if (!notice.contains(library)) {
                            unnamed.add(library + " (not in NOTICE)");
                        }
                    });
            assertEquals(new TreeSet<>(), unnamed, "shaded packages that NOTICE does not name: add the library to NOTICE"
                    + " and to this test's list");
            List<String> missing = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("META-INF/[A-Za-z0-9./_-]+").matcher(notice);
            while (m.find()) {
                String path = m.group().replaceAll("[.,)]+$", "");
                if (jar.getEntry(path) == null) {
                    missing.add(path);
                }
            }
            assertEquals(List.of(), missing, "licence files NOTICE points to that the jar lacks");
            List<String> strayLicences = jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.matches("META-INF/(LICENSE|NOTICE).*") && !n.equals("META-INF/LICENSE")
                            && !n.equals("META-INF/NOTICE")).toList();
            assertEquals(List.of(), strayLicences, "one LICENSE and one NOTICE, memagent's");
        }
        assertTrue(new File(AppRun.AGENT_JAR).length() < 10L << 20, "the agent jar stays under 10 MiB");
    }

    @Test
    void theDistributionArchiveHoldsTheJarsTheLicenceAndTheManifests() throws Exception {
        assertTrue(VERSION != null && VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), "memagenttest.version: " + VERSION);
        AppRun.Result version = AppRun.jar(AppRun.AGENT_JAR).withoutAgent().args("--version").run().assertOk();
        assertEquals("memagent " + VERSION + "\n", version.stdout());
        Path zip = ROOT.resolve("distribution/target/memagent-" + VERSION + ".zip");
        assertTrue(Files.isRegularFile(ROOT.resolve("distribution/target/memagent-" + VERSION + ".tar.gz")));
        String base = "memagent-" + VERSION + "/";
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertArrayEquals(Files.readAllBytes(Path.of(AppRun.AGENT_JAR)), read(z, base + "memagent.jar"));
            assertArrayEquals(Files.readAllBytes(Path.of(System.getProperty("memagenttest.otelJar"))),
                    read(z, base + "memagent-otel.jar"));
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("LICENSE")), read(z, base + "LICENSE"));
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("NOTICE")), read(z, base + "NOTICE"));
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("api/target/memagent-api-" + VERSION + ".jar")),
                    read(z, base + "lib/memagent-api-" + VERSION + ".jar"));
            assertArrayEquals(Files.readAllBytes(ROOT.resolve("junit/target/memagent-junit-" + VERSION + ".jar")),
                    read(z, base + "lib/memagent-junit-" + VERSION + ".jar"));
            String readme = new String(read(z, base + "README.txt"), StandardCharsets.UTF_8);
            assertTrue(readme.startsWith("memagent " + VERSION + ": exact bytes per method call"), readme);
            for (String dir : List.of("kubernetes", "grafana", "prometheus")) {
                try (Stream<Path> files = Files.list(ROOT.resolve("deploy").resolve(dir))) {
                    for (Path p : files.toList()) {
                        assertArrayEquals(Files.readAllBytes(p), read(z, base + "deploy/" + dir + "/" + p.getFileName()));
                    }
                }
            }
            try (Stream<Path> licences = Files.list(ROOT.resolve("licenses"))) {
                for (Path p : licences.toList()) {
                    assertArrayEquals(Files.readAllBytes(p), read(z, base + "licenses/" + p.getFileName()));
                }
            }
        }
    }

    @Test
    void theKubernetesManifestsWireTheAgentAsTheDeploymentPageSays() throws Exception {
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        for (JsonNode doc : manifests()) {
            byKind.put(doc.get("kind").asText(), doc);
        }
        assertEquals(List.of("Deployment", "ConfigMap", "Secret", "Service", "ServiceMonitor"), List.copyOf(byKind.keySet()));
        JsonNode pod = byKind.get("Deployment").at("/spec/template/spec");
        JsonNode init = pod.at("/initContainers/0");
        assertEquals("[\"cp\",\"/memagent/memagent.jar\",\"/agent/memagent.jar\"]", init.get("command").toString());
        assertEquals("/agent", init.at("/volumeMounts/0/mountPath").asText());
        assertEquals("memagent", pod.at("/volumes/0/name").asText());
        assertTrue(pod.at("/volumes/0/emptyDir").isObject());
        JsonNode app = pod.at("/containers/0");
        Map<String, JsonNode> env = new LinkedHashMap<>();
        app.get("env").forEach(e -> env.put(e.get("name").asText(), e));
        assertEquals("-javaagent:/agent/memagent.jar", env.get("JAVA_TOOL_OPTIONS").get("value").asText());
        assertEquals("0.0.0.0", env.get("MEMAGENT_HTTP_HOST").get("value").asText());
        assertEquals("9404", env.get("MEMAGENT_HTTP_PORT").get("value").asText());
        String secret = byKind.get("Secret").at("/metadata/name").asText();
        for (String[] key : new String[][] {{"MEMAGENT_HTTP_TOKEN", "http-token"}, {"MEMAGENT_JDBC_USER", "jdbc-user"},
                {"MEMAGENT_JDBC_PASSWORD", "jdbc-password"}}) {
            assertEquals(secret, env.get(key[0]).at("/valueFrom/secretKeyRef/name").asText(), key[0]);
            assertEquals(key[1], env.get(key[0]).at("/valueFrom/secretKeyRef/key").asText(), key[0]);
            assertTrue(byKind.get("Secret").at("/stringData").has(key[1]), key[1]);
        }
        // Every MEMAGENT_* variable is a key the agent knows (the environment form of memagent.*).
        String keys = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (String name : env.keySet()) {
            if (name.startsWith("MEMAGENT_")) {
                String key = "`memagent." + name.substring("MEMAGENT_".length()).toLowerCase().replace('_', '.') + "`";
                assertTrue(keys.contains("| " + key + " |"), name + " is no key of docs/configuration.md");
            }
        }
        assertEquals("/agent", app.at("/volumeMounts/0/mountPath").asText());
        assertEquals("/health", app.at("/livenessProbe/httpGet/path").asText());
        assertEquals("memagent", app.at("/livenessProbe/httpGet/port").asText());
        assertEquals(9404, portNamed(app.get("ports"), "memagent").get("containerPort").asInt());
        JsonNode servicePort = portNamed(byKind.get("Service").at("/spec/ports"), "memagent");
        assertEquals("memagent", servicePort.get("targetPort").asText());
        JsonNode endpoint = byKind.get("ServiceMonitor").at("/spec/endpoints/0");
        assertEquals("memagent", endpoint.get("port").asText());
        assertEquals("/metrics", endpoint.get("path").asText());
        assertEquals("Bearer", endpoint.at("/authorization/type").asText());
        assertEquals(secret, endpoint.at("/authorization/credentials/name").asText());
        assertEquals("http-token", endpoint.at("/authorization/credentials/key").asText());
    }

    /** The scrape job a plain Prometheus mounts: promtool accepts it. */
    @Test
    void thePrometheusScrapeJobPassesPromtool(@TempDir Path tmp) throws Exception {
        JsonNode configMap = manifests().stream().filter(d -> d.get("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        String config = configMap.at("/data/prometheus.yml").asText();
        Path tokenDir = tmp.resolve("memagent");
        Files.createDirectories(tokenDir);
        Files.writeString(tokenDir.resolve("http-token"), "test-token");
        Path file = tmp.resolve("prometheus.yml");
        // Debian's Prometheus is built without Kubernetes service discovery: the job is checked with the
        // discovery swapped for a static target, everything else (authorization, relabelling) as shipped.
        String sd = "kubernetes_sd_configs:\n(\\s*)- role: endpoints\n";
        assertTrue(java.util.regex.Pattern.compile(sd).matcher(config).find(), config);
        Files.writeString(file, config.replace("/etc/prometheus/memagent/http-token", tokenDir.resolve("http-token").toString())
                .replaceFirst(sd, "static_configs:\n$1- targets: [\"orders.default.svc.cluster.local:9404\"]\n"));
        ExternalTool.Output r = ExternalTool.run(List.of("promtool", "check", "config", file.toString()), 60);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue((r.stdout() + r.stderr()).contains("SUCCESS"), r.stdout() + r.stderr());
    }

    /** Against the Kubernetes and Prometheus Operator schemas, with the kubernetes-models validators (npm). */
    @Test
    void theManifestsAreValidAgainstTheKubernetesSchemas() throws Exception {
        Path dir = Path.of(AppRun.APP_LIBS).getParent().resolve("k8s-validate");
        Files.createDirectories(dir);
        Path sources = ROOT.resolve("agent-tests/src/test/k8s-validate");
        for (String f : List.of("package.json", "validate.mjs")) {
            Files.copy(sources.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/kubernetes-models"))) {
            ExternalTool.Output install = ExternalTool.run(dir, List.of("npm", "install", "--no-audit", "--no-fund",
                    "--no-package-lock", "--loglevel=error"), 300);
            if (install.exitCode() != 0 && !"true".equals(System.getenv("CI"))) {
                Assumptions.abort("npm could not install the validators here: " + install.stderr());
            }
            assertEquals(0, install.exitCode(), "npm install of the schema validators: " + install.stderr());
        }
        List<String> cmd = new ArrayList<>(List.of("node", "validate.mjs"));
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> cmd.add(p.toString()));
        }
        ExternalTool.Output r = ExternalTool.run(dir, cmd, 120);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals(5, r.stdout().lines().filter(l -> l.startsWith("valid ")).count(), r.stdout());
    }

    /**
     * A JVM in a memory cgroup limited to 512 MiB, as a container runtime makes one: the agent reports
     * that limit as the container's. (The test moves the JVM into a cgroup it makes; it needs root, as
     * CI has, or a delegated cgroup.)
     */
    @Test
    void aMemoryLimitIsTheContainersLimit() throws Exception {
        long limit = 512L << 20;
        Path group = MemoryCgroup.create("memagent-it-" + ProcessHandle.current().pid(), limit);
        try {
            AppRun run = AppRun.main(HttpApp.class).prop("memagent.http.port", 0).prop("memagent.sample.interval.ms", 200)
                    .args("4000").wrappedIn("sh", "-c", "echo $$ > " + group.resolve("cgroup.procs") + " && exec \"$0\" \"$@\"");
            try (LiveApp app = new LiveApp(run)) {
                app.awaitLine("ready");
                HttpClientForTests http = HttpClientForTests.of(app);
                String metrics = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!metrics.contains("\nmemagent_container_memory_limit_bytes ") && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    metrics = http.send("GET", "/metrics", null).body();
                }
                assertTrue(metrics.contains("\nmemagent_container_memory_limit_bytes " + limit + "\n"), metrics);
                assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
                assertTrue(app.stderr().contains("container limit 512.0 MiB"), app.stderr());
            }
        } finally {
            MemoryCgroup.remove(group);
        }
    }

    /** A read-only working directory (here /proc) stops neither the agent nor its heap dumps. */
    @Test
    void heapDumpsGoToAnAbsoluteDirectoryUnderTheTemporaryOne(@TempDir Path tmp) throws Exception {
        String user = System.getProperty("user.name");
        Path expected = tmp.resolve("memagent-dumps-" + user);
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).directory(Path.of("/proc"))
                .jvmArg("-Djava.io.tmpdir=" + tmp).prop("memagent.http.port", 0).prop("memagent.http.token", "dump-token")
                .args("4000"))) {
            app.awaitLine("ready");
            assertTrue(app.stderrSoFar().contains("; heap dumps go to " + expected + "\n"), app.stderrSoFar());
            int port = HttpHardeningIT.port(app);
            HttpHardeningIT.Reply r = HttpHardeningIT.raw(port, "POST", "/api/memory/snapshot", "Host: 127.0.0.1:" + port,
                    "Authorization: Bearer dump-token");
            assertEquals(200, r.status(), r.body());
            String path = HttpClientForTests.JSON.readTree(r.body()).get("path").asText();
            assertTrue(path.startsWith(expected + "/memagent-"), path);
            assertTrue(Files.size(Path.of(path)) > 1_000_000, "a heap dump: " + path);
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, app.process.exitValue());
            assertTrue(!app.stderr().contains("[memagent] ERROR"), app.stderr());
        }
    }

    @Test
    void opentelemetrysServiceNameVariableNamesTheService() throws Exception {
        AppRun.Result r = AppRun.main(HttpApp.class).env("OTEL_SERVICE_NAME", "checkout").args("200").run().assertOk();
        assertTrue(r.stderr().contains(" started for service 'checkout' (from OTEL_SERVICE_NAME): "), r.stderr());
        assertTrue(r.stderr().contains("==== memagent report: service checkout, pid "), r.stderr());
    }

    private static List<JsonNode> manifests() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (YAMLParser parser = new YAMLFactory().createParser(p.toFile())) {
                    yaml.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                        if (d != null && !d.isNull()) {
                            docs.add(d);
                        }
                    });
                }
            }
        }
        assertTrue(docs.size() >= 5, "documents: " + docs.stream().map(d -> d.get("kind").asText()).collect(Collectors.toList()));
        return docs;
    }

    private static JsonNode portNamed(JsonNode ports, String name) {
        for (JsonNode p : ports) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        fail("no port named " + name + " in " + ports);
        return null;
    }

    private static byte[] read(ZipFile zip, String entry) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        assertTrue(e != null, "no " + entry + " in " + zip.getName());
        return zip.getInputStream(e).readAllBytes();
    }
}

package io.memagent.agent.instrument;

import io.memagent.bootstrap.RuntimeNames;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operation ids for names that arrive at run time ({@code MemoryProfiler.block} and
 * {@code track}), looked up on the application's thread before the measured window opens. A
 * known name is one {@link ConcurrentHashMap#get} (no allocation: the name's hash is cached in the
 * String, the Integer is the one stored). Names are cached only while the registry has room, so
 * an app that makes up names without end costs at most {@code memagent.operations.max} entries;
 * beyond it, new names count under {@link OperationRegistry#OTHER_NAME} without lock or allocation.
 */
public final class NamedOperations implements RuntimeNames.OperationNames {
    public static final String BLOCK = "block";
    public static final String TRACK = "track";

    private final OperationRegistry registry;
    private final ConcurrentHashMap<String, Integer> blocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> tracks = new ConcurrentHashMap<>();
    /** SQL text -> id, so a statement's text is scanned once; bounded by {@link #MAX_CACHED_TEXTS}. */
    private final ConcurrentHashMap<String, Integer> sqlTexts = new ConcurrentHashMap<>();
    /** "METHOD path" -> id, bounded likewise. */
    private final ConcurrentHashMap<String, Integer> httpPaths = new ConcurrentHashMap<>();

    /** Texts (SQL, paths) remembered; beyond it a text is named on every call (correct, slower). */
    static final int MAX_CACHED_TEXTS = 10_000;
    public static final String DB = "db";
    public static final String HTTP = "http";

    /** Distinct request names registered, against {@link #httpNamesMax}. */
    private final java.util.Set<String> httpNames = ConcurrentHashMap.newKeySet();
    private final int httpNamesMax;
    private volatile boolean httpCapReported;

    public NamedOperations(OperationRegistry registry) {
        this(registry, 1_000);
    }

    public NamedOperations(OperationRegistry registry, int httpNamesMax) {
        this.registry = registry;
        this.httpNamesMax = httpNamesMax;
    }

    private ConcurrentHashMap<String, Integer> byKind(String kind) {
        switch (kind) {
            case BLOCK:
                return blocks;
            case TRACK:
                return tracks;
            default:
                return null;
        }
    }

    @Override
    public int known(String name, String kind) {
        ConcurrentHashMap<String, Integer> m = byKind(kind);
        if (m == null) {
            return 0;
        }
        Integer id = m.get(name);
        return id != null ? id : -1;
    }

    @Override
    public int sql(String sql) {
        Integer id = sqlTexts.get(sql);
        if (id != null) {
            return id;
        }
        String name = SqlOperationName.of(sql);
        int registered = registry.capReached() ? 0 : registry.register(name, name, DB);
        if (sqlTexts.size() < MAX_CACHED_TEXTS) {
            sqlTexts.putIfAbsent(sql, registered);
        }
        return registered;
    }

    @Override
    public int http(String method, String path) {
        // The key is built per request here; the app's own request handling allocates far more.
        String key = method + ' ' + path;
        Integer id = httpPaths.get(key);
        if (id != null) {
            return id;
        }
        int registered = registerHttp(HttpOperationName.of(method, path), method);
        if (httpPaths.size() < MAX_CACHED_TEXTS) {
            httpPaths.putIfAbsent(key, registered);
        }
        return registered;
    }

    @Override
    public int httpRoute(String method, String route) {
        String key = method + " \u0000" + route; // apart from raw paths: a route is used as it is
        Integer id = httpPaths.get(key);
        if (id != null) {
            return id;
        }
        int registered = registerHttp(HttpOperationName.ofRoute(method, route), method);
        if (httpPaths.size() < MAX_CACHED_TEXTS) {
            httpPaths.putIfAbsent(key, registered);
        }
        return registered;
    }

    /** Registers a request name while there is room for one more; later names share {@code HTTP GET (other)}. */
    private int registerHttp(String name, String method) {
        if (!httpNames.contains(name)) {
            if (httpNames.size() >= httpNamesMax) {
                if (!httpCapReported) {
                    httpCapReported = true;
                    io.memagent.agent.util.AgentLog.warn("more than memagent.http.names.max = " + httpNamesMax
                            + " distinct request names: '" + name + "' and later ones are counted as '"
                            + HttpOperationName.other(method) + "'");
                }
                name = HttpOperationName.other(method);
            } else {
                httpNames.add(name);
            }
        }
        return registry.capReached() ? 0 : registry.register(name, name, HTTP);
    }

    @Override
    public String nameOf(int id) {
        Operation o = registry.get(id);
        return o != null ? o.name() : null;
    }

    @Override
    public int register(String name, String kind) {
        ConcurrentHashMap<String, Integer> m = byKind(kind);
        if (m == null || registry.capReached()) {
            return 0;
        }
        // method: where the name came from, e.g. io.memagent.api.MemoryProfiler#block(phase-1)
        int id = registry.register(name, "io.memagent.api.MemoryProfiler#" + kind + "(" + name + ")", kind);
        if (id != 0) {
            m.putIfAbsent(name, id);
        }
        return id;
    }
}

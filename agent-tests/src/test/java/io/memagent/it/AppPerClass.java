package io.memagent.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For IT classes whose tests all read one run of an app (the per-class twin of {@link SchemaPerTest}):
 * before the class's first test a new schema is made and the app runs once against it, its exit
 * checked; after the last test the schema, and any other this class made with {@link #newSchema},
 * are dropped. Registered as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AppPerClass app = AppPerClass.of(a -> AppRun.main(SomeApp.class).database(a.db(), a.schema(), "svc"));
 * }</pre>
 */
final class AppPerClass implements BeforeAllCallback, AfterAllCallback {
    /** The app to run once, against {@link #schema()} of {@code app} (its fields are set when this is called). */
    @FunctionalInterface
    interface Launch {
        AppRun app(AppPerClass app) throws Exception;
    }

    private final Launch launch;
    private final List<String> schemas = new ArrayList<>();
    private TestDatabase db;
    private String schema;
    private AppRun.Result run;

    private AppPerClass(Launch launch) {
        this.launch = launch;
    }

    static AppPerClass of(Launch launch) {
        return new AppPerClass(launch);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        db = TestDatabase.get();
        schema = newSchema();
        run = launch.app(this).run().assertOk();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (String s : schemas) {
            db.dropSchema(s);
        }
        schemas.clear();
    }

    TestDatabase db() {
        return db;
    }

    /** The schema the agent writes into. */
    String schema() {
        return schema;
    }

    /** Another schema name for this class (an app's own tables, say), dropped with the agent's. */
    String newSchema() {
        String s = db.newSchema();
        schemas.add(s);
        return s;
    }

    /** The app's one run. */
    AppRun.Result run() {
        return run;
    }

    /** One operation's figures over the run, summed over its statistics buckets ({@link TestDatabase#operationFigures}). */
    Map<String, Object> stats(String operation) {
        return db.operationFigures(schema, operation, run);
    }
}

package io.memagent.agent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Byte Buddy's type pool for the agent's matchers and advice, reading class files as
 * {@link AgentBuilder.PoolStrategy.Default#FAST} does, that also describes the classes other
 * agents generate at run time.
 *
 * <p>Why: an agent attached before this one may have changed an app class as it loaded. The
 * OpenTelemetry agent, for one, adds interfaces it generates and defines in the boot loader
 * ({@code io.opentelemetry.javaagent.bootstrap.field.VirtualFieldAccessor$...}) to servlets,
 * filters, JDBC statements and connections. Those interfaces have no class file anywhere, so a pool
 * that only reads class files cannot describe them, and every such class failed to be matched and
 * woven. They are loaded already (the class naming them could not be defined otherwise), so this
 * pool describes them from the loaded class. Only names in other agents' packages are looked up
 * that way: every other type is read from its class file, as before, and no class is loaded or
 * initialized on the app's behalf.
 */
final class OtherAgentsTypePool implements AgentBuilder.PoolStrategy {
    static final OtherAgentsTypePool INSTANCE = new OtherAgentsTypePool();

    private OtherAgentsTypePool() {
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), classFileLocator,
                TypePool.Default.ReaderMode.FAST, new LoadedOtherAgentTypes(classLoader));
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        return typePool(classFileLocator, classLoader);
    }

    /** The parent pool: another agent's types, from their loaded classes; nothing else. */
    private static final class LoadedOtherAgentTypes implements TypePool {
        private final ClassLoader loader;

        LoadedOtherAgentTypes(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public Resolution describe(String name) {
            if (name.indexOf('.') < 0 || !ClassFileScan.otherAgents(name.replace('.', '/'))) {
                return new Resolution.Illegal(name);
            }
            try {
                return new Resolution.Simple(TypeDescription.ForLoadedType.of(Class.forName(name, false, loader)));
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return new Resolution.Illegal(name);
            }
        }

        @Override
        public void clear() {
            // nothing cached here: the loaded classes are the JVM's
        }
    }
}

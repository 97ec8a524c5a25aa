package io.memagent.agent.instrument;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Joins;
import io.memagent.bootstrap.AgentOverhead;
import io.memagent.bootstrap.Carriers;
import io.memagent.bootstrap.FirstVirtualThread;
import io.memagent.bootstrap.HotPath;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Lets profiled calls on virtual threads be measured on their carriers (JDK 21+, see the
 * bootstrap's {@code Carriers}, {@code CarrierFrames} and {@code ParkedFrames}): opens the JDK
 * internals that needs to the boot loader, and weaves {@link Carriers#mounted} at the end of
 * {@code java.lang.VirtualThread.mount()} and {@link Carriers#unmounting} at the start of
 * {@code unmount()}. Only once both hooks are in place are virtual threads' calls measured;
 * without them they stay unmeasured, as before.
 *
 * <p>The transformer stays registered: should another agent retransform {@code VirtualThread},
 * the JVM runs it again on the original bytes and the hook stays.
 */
public final class VirtualThreadMounts {
    private static final String VIRTUAL_THREAD = "java/lang/VirtualThread";
    /** {@code Carriers}' internal name, as a literal: computing it with ASM's {@code Type} would load that class
     * on premain's thread even on a JDK without virtual threads. */
    static final String CARRIERS = "io/memagent/bootstrap/Carriers";
    private static final String HOOK = "(Ljava/lang/Thread;)V";
    private static final String THREAD_BUILDERS = "java.lang.ThreadBuilders";
    static final String EXACT = "exact, also across unmounts (what the thread allocates while mounted, on any carrier)";
    /** {@link #mode()}: null until {@link #prepare} and on a JDK without virtual threads. */
    private static volatile String shortMode;

    private VirtualThreadMounts() {
    }

    /**
     * premain (JDK 21+): readies the set-up. Retransforming {@code VirtualThread} deoptimizes the compiled code that
     * depends on it, and a deoptimization inside an app's open call would re-create the objects C2 had eliminated
     * there, on the app's thread (seen: a call reading 4.4 KB more), so it happens where no such code can be running:
     * <ul>
     * <li>as a rule, when the app makes its first virtual thread ({@link FirstVirtualThread}): until then no code
     * has run on one, and a JVM that never makes one never pays for it;</li>
     * <li>at once, on memagent-vthreads, with premain waiting for it ({@link Installing#await}) before it enables
     * recording, when the first virtual thread cannot be caught (an attach to a running JVM, a JDK whose
     * {@code ThreadBuilders} was loaded before this agent's premain or that this weaver does not know).</li>
     * </ul>
     * On a JDK without virtual threads, nothing is done.
     */
    public static Installing prepare(Instrumentation inst, boolean attached) {
        Installing installing = new Installing(inst);
        if (Runtime.version().feature() >= 21) {
            if (attached || !installing.armAtFirstVirtualThread()) {
                installing.thread.start();
            } else {
                shortMode = "exact"; // what the set-up at the first virtual thread gives; it says so if it fails
            }
        }
        return installing;
    }

    /**
     * How calls on virtual threads are measured, for the status endpoint: {@code exact}, {@code unmeasured}, or null
     * on a JDK without virtual threads. {@code exact} also while the set-up waits for the app's first virtual thread.
     */
    public static String mode() {
        return shortMode;
    }

    /** The set-up on its thread, memagent-vthreads; {@link #await} gives its outcome. */
    public static final class Installing implements Runnable {
        /** How long the app's thread that makes the first virtual thread waits for the set-up, at most. */
        private static final long FIRST_THREAD_WAIT_MS = 10_000;
        private final Instrumentation inst;
        private final Thread thread;
        /** Written by memagent-vthreads, read after the join (which orders the two). */
        private String mode;
        /** Set up when the app makes its first virtual thread, not now; written by premain's thread before the
         * set-up can start. */
        private boolean atFirstVirtualThread;
        private ThreadBuildersHook startHook;

        private Installing(Instrumentation inst) {
            this.inst = inst;
            this.thread = new Thread(this, "memagent-vthreads");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            mode = install(inst);
            shortMode = mode.equals(EXACT) ? "exact" : "unmeasured";
            if (atFirstVirtualThread) {
                inst.removeTransformer(startHook); // ThreadBuilders is woven: it has done its work
                if (!mode.equals(EXACT)) {
                    AgentLog.info("virtual threads: " + mode); // premain said it would be exact
                }
            }
        }

        /**
         * Waits for the set-up; the mode for the start-up line, or null on a JDK without virtual threads. When the
         * set-up waits for the first virtual thread, the mode it sets up; should it then fail, it says so itself.
         */
        public String await() {
            if (atFirstVirtualThread) {
                return EXACT;
            }
            if (thread.getState() == Thread.State.NEW) {
                return null; // not started: no virtual threads on this JDK
            }
            Joins.uninterruptibly(thread);
            return mode;
        }

        /**
         * Weaves {@link FirstVirtualThread#starting} into {@code ThreadBuilders.newVirtualThread} as that class loads
         * and arms it with the set-up. False if it cannot be done that way (then the caller sets up at once).
         */
        private boolean armAtFirstVirtualThread() {
            try {
                Class<?> virtualThread = Class.forName("java.lang.VirtualThread", false, null);
                if (!inst.isRetransformClassesSupported() || !inst.isModifiableClass(virtualThread)) {
                    return false; // the set-up says why
                }
                // java.base reads the boot loader's unnamed module: the woven call links against FirstVirtualThread.
                inst.redefineModule(Object.class.getModule(), Set.of(HotPath.class.getModule()), Map.of(), Map.of(),
                        Set.of(), Map.of());
                atFirstVirtualThread = true;
                startHook = new ThreadBuildersHook(this);
                FirstVirtualThread.arm(new AtFirstVirtualThread(this));
                // Retransform-capable like the agent's other transformers: a JVMTI environment with a
                // transformer gets every class load handed over, as a copy of its bytes on the loading thread, so
                // a transformer of the other kind would double that cost for every class the app loads.
                inst.addTransformer(startHook, true);
                if (!startHook.seen && loaded(THREAD_BUILDERS)) { // loaded before the hook was in: too late for it
                    inst.removeTransformer(startHook);
                    FirstVirtualThread.disarm();
                    atFirstVirtualThread = false;
                }
                return atFirstVirtualThread;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                FirstVirtualThread.disarm();
                atFirstVirtualThread = false;
                return false;
            }
        }

        private boolean loaded(String name) {
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (c.getClassLoader() == null && name.equals(c.getName())) {
                    return true;
                }
            }
            return false;
        }

        /** ThreadBuilders could not be woven: set up now, without waiting (virtual threads unmeasured until then). */
        void setUpNow() {
            if (FirstVirtualThread.disarm() != null) {
                thread.start();
            }
        }

        /**
         * Runs on the app's thread that makes the first virtual thread: starts the set-up and waits for it (tens of
         * ms, once; at most {@link #FIRST_THREAD_WAIT_MS}, after which virtual threads' calls stay unmeasured until
         * it is done). What that costs the thread is the agent's, not the calls open on it.
         */
        void setUpAndWait() {
            long counterBefore = AgentOverhead.counter();
            long nanosBefore = System.nanoTime();
            thread.start();
            Joins.atMost(thread, FIRST_THREAD_WAIT_MS);
            AgentOverhead.oneOffWork(counterBefore, nanosBefore);
        }
    }

    /** What {@link FirstVirtualThread} runs (a class, not a lambda: a lambda's first use generates classes). */
    private static final class AtFirstVirtualThread implements Runnable {
        private final Installing installing;

        AtFirstVirtualThread(Installing installing) {
            this.installing = installing;
        }

        @Override
        public void run() {
            installing.setUpAndWait();
        }
    }

    /**
     * Sets it up; returns the mode for the start-up line, or null on a JDK without virtual
     * threads. Never throws: a failure leaves virtual threads' calls unmeasured, and says why.
     */
    static String install(Instrumentation inst) {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            Module boot = HotPath.class.getModule();
            // java.base reads the boot loader's unnamed module (the hook in VirtualThread calls into it),
            // which may use Thread's, the carrier thread-local's and ThreadImpl's internals.
            inst.redefineModule(Object.class.getModule(), Set.of(boot), Map.of("jdk.internal.misc", Set.of(boot)),
                    Map.of("java.lang", Set.of(boot)), Set.of(), Map.of());
            Module management = ModuleLayer.boot().findModule("java.management").orElse(null);
            if (management == null) {
                return unmeasured("the java.management module is not in this JVM");
            }
            inst.redefineModule(management, Set.of(), Map.of(), Map.of("sun.management", Set.of(boot)), Set.of(),
                    Map.of());
            String problem = Carriers.install();
            if (problem != null) {
                return unmeasured(problem);
            }
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread", false, null);
            if (!inst.isRetransformClassesSupported() || !inst.isModifiableClass(virtualThread)) {
                return unmeasured("this JVM cannot retransform java.lang.VirtualThread");
            }
            MountHook hook = new MountHook();
            inst.addTransformer(hook, true);
            inst.retransformClasses(virtualThread);
            if (!hook.woven) {
                inst.removeTransformer(hook);
                return unmeasured("java.lang.VirtualThread has no mount() and unmount() this agent knows");
            }
            Carriers.enable();
            return EXACT;
        } catch (Throwable t) {
            return unmeasured(t.toString());
        }
    }

    private static String unmeasured(String why) {
        return "unmeasured (" + why + ")";
    }

    /**
     * Adds {@code Carriers.mounted(this)} before every return of {@code VirtualThread.mount()} and
     * {@code Carriers.unmounting(this)} at the start of {@code unmount()}.
     */
    static final class MountHook implements ClassFileTransformer {
        volatile boolean woven;

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                                ProtectionDomain domain, byte[] classfile) {
            if (loader != null || !VIRTUAL_THREAD.equals(className)) {
                return null;
            }
            try {
                byte[] out = weave(classfile);
                woven = out != null;
                return out;
            } catch (Throwable t) {
                return null; // the class stays as it is, and virtual threads' calls unmeasured
            }
        }

        /** The class with the hooks, or null if it lacks {@code mount()V} or {@code unmount()V}. */
        static byte[] weave(byte[] classfile) {
            ClassReader reader = new ClassReader(classfile);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS); // no frame changes
            boolean[] found = new boolean[2];
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                    if (!"()V".equals(descriptor) || (access & Opcodes.ACC_STATIC) != 0) {
                        return mv;
                    }
                    if ("mount".equals(name)) {
                        found[0] = true;
                        return new MethodVisitor(Opcodes.ASM9, mv) {
                            @Override
                            public void visitInsn(int opcode) {
                                if (opcode == Opcodes.RETURN) {
                                    hook("mounted");
                                }
                                super.visitInsn(opcode);
                            }

                            private void hook(String method) {
                                super.visitVarInsn(Opcodes.ALOAD, 0);
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, CARRIERS, method, HOOK, false);
                            }
                        };
                    }
                    if ("unmount".equals(name)) {
                        found[1] = true;
                        return new MethodVisitor(Opcodes.ASM9, mv) {
                            @Override
                            public void visitCode() {
                                super.visitCode();
                                super.visitVarInsn(Opcodes.ALOAD, 0);
                                super.visitMethodInsn(Opcodes.INVOKESTATIC, CARRIERS, "unmounting", HOOK, false);
                            }
                        };
                    }
                    return mv;
                }
            }, 0);
            return found[0] && found[1] ? writer.toByteArray() : null;
        }
    }
}

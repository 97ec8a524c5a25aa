package io.memagent.agent.instrument;

import io.memagent.agent.util.Joins;
import io.memagent.bootstrap.Carriers;
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

    private VirtualThreadMounts() {
    }

    /**
     * Starts setting it up on a thread of its own, memagent-vthreads, beside the rest of premain, which waits for it
     * ({@link Installing#await}) before it enables recording and returns: retransforming {@code VirtualThread}
     * deoptimizes compiled code, and a deoptimization inside an app's open call would re-create the objects C2 had
     * eliminated there, on the app's thread (seen: a call reading 4.4 KB more), so it must be over before the app
     * runs. On a JDK without virtual threads, nothing is started.
     */
    public static Installing startInstall(Instrumentation inst) {
        Installing installing = new Installing(inst);
        if (Runtime.version().feature() >= 21) {
            installing.thread.start();
        }
        return installing;
    }

    /** The set-up on its thread; {@link #await} gives its outcome. */
    public static final class Installing implements Runnable {
        private final Instrumentation inst;
        private final Thread thread;
        /** Written by memagent-vthreads, read after the join (which orders the two). */
        private String mode;

        private Installing(Instrumentation inst) {
            this.inst = inst;
            this.thread = new Thread(this, "memagent-vthreads");
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            mode = install(inst);
        }

        /** Waits for the set-up; the mode for the start-up line, or null on a JDK without virtual threads. */
        public String await() {
            if (thread.getState() == Thread.State.NEW) {
                return null; // not started: no virtual threads on this JDK
            }
            Joins.uninterruptibly(thread);
            return mode;
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
            return "exact, also across unmounts (what the thread allocates while mounted, on any carrier)";
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

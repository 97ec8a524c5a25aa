package io.memagent.agent.instrument;

import io.memagent.bootstrap.AgentOverhead;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Adds {@code FirstVirtualThread.starting()} at the start of {@code java.lang.ThreadBuilders.newVirtualThread}, as
 * that class loads (it is not loaded at a JVM's start), and again should another agent retransform it before the
 * set-up: the first virtual thread the app makes then sets up {@link VirtualThreadMounts}' hooks. Should the JDK lack
 * that method, the set-up runs at once instead. Registered until the set-up is done; what it costs the loading thread
 * is the agent's.
 */
final class ThreadBuildersHook implements ClassFileTransformer {
    private static final String CLASS = "java/lang/ThreadBuilders";
    /** {@code FirstVirtualThread}'s internal name, a literal for the same reason as {@link VirtualThreadMounts#CARRIERS}. */
    static final String FIRST_VIRTUAL_THREAD = "io/memagent/bootstrap/FirstVirtualThread";
    private final VirtualThreadMounts.Installing installing;
    /** Set before weaving, so premain's check after registering knows the class did not load unseen. */
    volatile boolean seen;

    ThreadBuildersHook(VirtualThreadMounts.Installing installing) {
        this.installing = installing;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classfile) {
        if (loader != null || !CLASS.equals(className)) {
            return null;
        }
        seen = true;
        long counterBefore = AgentOverhead.counter();
        long nanosBefore = System.nanoTime();
        byte[] out = null;
        try {
            out = weave(classfile);
        } catch (Throwable t) {
            // below
        }
        if (out == null) {
            installing.setUpNow();
        }
        AgentOverhead.oneOffWork(counterBefore, nanosBefore);
        return out;
    }

    /** The class with the call, or null if it has no static {@code newVirtualThread}. */
    static byte[] weave(byte[] classfile) {
        ClassReader reader = new ClassReader(classfile);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS); // no frame changes
        StartVisitor visitor = new StartVisitor(writer);
        reader.accept(visitor, 0);
        return visitor.found ? writer.toByteArray() : null;
    }

    /**
     * The visitor of {@link #weave}. It and {@link CallAtStart} are the only classes loaded while ThreadBuilders
     * loads, and nothing else loads them: no other thread can hold their loading.
     */
    private static final class StartVisitor extends ClassVisitor {
        boolean found;

        StartVisitor(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!"newVirtualThread".equals(name) || (access & Opcodes.ACC_STATIC) == 0) {
                return mv;
            }
            found = true;
            return new CallAtStart(mv);
        }
    }

    /** {@code FirstVirtualThread.starting()} before a method's first instruction. */
    private static final class CallAtStart extends MethodVisitor {
        CallAtStart(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitMethodInsn(Opcodes.INVOKESTATIC, FIRST_VIRTUAL_THREAD, "starting", "()V", false);
        }
    }
}

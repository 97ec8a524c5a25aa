package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.memagent.bootstrap.Carriers;
import io.memagent.bootstrap.FirstVirtualThread;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

/**
 * The mount hooks woven into a class shaped like {@code java.lang.VirtualThread}'s mount() and unmount(), and the
 * first-virtual-thread call woven into one shaped like {@code java.lang.ThreadBuilders}' newVirtualThread.
 */
class VirtualThreadMountsTest {
    @Test
    void theHooksCallCarriersByItsRealName() {
        assertEquals(Type.getInternalName(Carriers.class), VirtualThreadMounts.CARRIERS);
    }

    @Test
    void mountedBeforeEveryReturnOfMountAndUnmountingFirstInUnmount() {
        byte[] woven = VirtualThreadMounts.MountHook.weave(virtualThreadLike(true));
        assertEquals(List.of("GETSTATIC", "ALOAD", "INVOKESTATIC Carriers.mounted", "RETURN", "ALOAD",
                "INVOKESTATIC Carriers.mounted", "RETURN"), instructions(woven, "mount"));
        assertEquals(List.of("ALOAD", "INVOKESTATIC Carriers.unmounting", "GETSTATIC", "RETURN"),
                instructions(woven, "unmount"));
    }

    @Test
    void aClassWithoutUnmountIsLeftAsItIs() {
        assertNull(VirtualThreadMounts.MountHook.weave(virtualThreadLike(false)));
    }

    @Test
    void theStartCallNamesFirstVirtualThreadByItsRealName() {
        assertEquals(Type.getInternalName(FirstVirtualThread.class), ThreadBuildersHook.FIRST_VIRTUAL_THREAD);
    }

    @Test
    void startingIsCalledFirstInNewVirtualThreadAndNowhereElse() {
        byte[] woven = ThreadBuildersHook.weave(threadBuildersLike(true));
        assertEquals(List.of("INVOKESTATIC FirstVirtualThread.starting()V", "GETSTATIC", "RETURN"),
                instructions(woven, "newVirtualThread"));
        assertEquals(List.of("GETSTATIC", "RETURN"), instructions(woven, "other"));
    }

    @Test
    void aClassWithoutNewVirtualThreadIsLeftAsItIs() {
        assertNull(ThreadBuildersHook.weave(threadBuildersLike(false)));
    }

    /** A static newVirtualThread(Executor, String, int, Runnable) and a static other(), each reading a field. */
    private static byte[] threadBuildersLike(boolean withNewVirtualThread) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL, "test/ThreadBuildersLike", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_STATIC, "flag", "Z", null, null).visitEnd();
        String[][] methods = withNewVirtualThread
                ? new String[][] {{"newVirtualThread", "(Ljava/util/concurrent/Executor;Ljava/lang/String;ILjava/lang/Runnable;)V"}, {"other", "()V"}}
                : new String[][] {{"other", "()V"}};
        for (String[] m : methods) {
            readFlagAndReturn(cw, "test/ThreadBuildersLike", Opcodes.ACC_STATIC, m[0], m[1]);
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** mount() with two returns (an early one), unmount() with one; each reads a static field first. */
    private static byte[] virtualThreadLike(boolean withUnmount) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL, "test/VirtualThreadLike", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_STATIC, "flag", "Z", null, null).visitEnd();
        MethodVisitor mount = cw.visitMethod(0, "mount", "()V", null, null);
        mount.visitCode();
        mount.visitFieldInsn(Opcodes.GETSTATIC, "test/VirtualThreadLike", "flag", "Z");
        net.bytebuddy.jar.asm.Label late = new net.bytebuddy.jar.asm.Label();
        mount.visitJumpInsn(Opcodes.IFEQ, late);
        mount.visitInsn(Opcodes.RETURN);
        mount.visitLabel(late);
        mount.visitInsn(Opcodes.RETURN);
        mount.visitMaxs(0, 0);
        mount.visitEnd();
        if (withUnmount) {
            readFlagAndReturn(cw, "test/VirtualThreadLike", 0, "unmount", "()V");
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A method that reads the class's static {@code flag}, drops it and returns. */
    private static void readFlagAndReturn(ClassWriter cw, String owner, int access, String name, String descriptor) {
        MethodVisitor mv = cw.visitMethod(access, name, descriptor, null, null);
        mv.visitCode();
        mv.visitFieldInsn(Opcodes.GETSTATIC, owner, "flag", "Z");
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The method's instructions, by opcode name (labels, jumps and stack-only instructions left out). */
    private static List<String> instructions(byte[] classFile, String method) {
        List<String> out = new ArrayList<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (!name.equals(method)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == Opcodes.RETURN) {
                            out.add("RETURN");
                        }
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        out.add(opcode == Opcodes.ALOAD && var == 0 ? "ALOAD" : "var " + opcode);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                        out.add(opcode == Opcodes.GETSTATIC ? "GETSTATIC" : "field " + opcode);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                                                boolean isInterface) {
                        out.add((opcode == Opcodes.INVOKESTATIC ? "INVOKESTATIC " : "invoke " + opcode + " ")
                                + owner.substring(owner.lastIndexOf('/') + 1) + "." + name
                                + ("(Ljava/lang/Thread;)V".equals(descriptor) ? "" : descriptor));
                    }
                };
            }
        }, 0);
        return out;
    }
}

package io.memagent.agent.instrument;

import io.memagent.agent.config.MethodPattern;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves {@code @ProfileMemory} classes, and the methods {@code memagent.include} names, as they load with plain
 * ASM (the copy Byte Buddy ships), so a class to profile never waits for Byte Buddy's {@code AgentBuilder}:
 * building that costs about half a second of CPU in the JVM's start, and an app whose first class is annotated
 * waited for all of it. Byte Buddy still does the rest: retransformation (a late attach, another agent), the
 * frameworks' request advice, and the rare class this weaver leaves to it (old class files without stack map
 * frames, abstract annotated methods, interfaces, included classes of the boot loader).
 *
 * <p>What it writes into each profiled method is what {@link ProfileAdvice} inlines:
 * <pre>
 *   ThreadState s = HotPath.currentState(); int t = HotPath.enter(s);      // at the start
 *   HotPath.exit(operationId, s, t, false); return ...;                      // before every return
 *   catch (Throwable x) { HotPath.exit(operationId, s, t, true); throw x; } // around the body
 * </pre>
 * The two locals sit right after the parameters; the method's own locals move up by two slots,
 * and every stack map frame gets the two entries (frames are read expanded). Names and spike
 * thresholds are those of {@link OperationNaming}; a synchronized method is rewritten by
 * {@link SynchronizedMethods} as with Byte Buddy.
 */
final class AnnotatedClassWeaver {
    private static final String ANNOTATION_DESC = "Lio/memagent/api/ProfileMemory;";
    private static final String HOT_PATH = Type.getInternalName(HotPath.class);
    private static final String STATE = "io/memagent/bootstrap/ThreadState";
    private static final int SKIPPED = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_SYNTHETIC
            | Opcodes.ACC_BRIDGE;

    private final OperationRegistry registry;
    /** {@code memagent.include}: a method of a class named here whose name matches is profiled as if annotated. */
    private final List<MethodPattern> includes;

    AnnotatedClassWeaver(OperationRegistry registry, List<MethodPattern> includes) {
        this.registry = registry;
        this.includes = includes;
    }

    /** A parameter's type as a stack map frame entry (also for {@link SynchronizedMethods#monitorInBody}). */
    static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return t.getSort() == Type.ARRAY ? t.getDescriptor() : t.getInternalName();
        }
    }

    /** The outcome for one class: woven bytes, nothing to do, or Byte Buddy's to weave. */
    record Result(byte[] bytes, boolean leaveToByteBuddy) {
        static final Result NOTHING = new Result(null, false);
        static final Result BYTE_BUDDY = new Result(null, true);
    }

    Result weave(ClassLoader loader, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        Scan scan = new Scan();
        reader.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
        // Byte Buddy ignores synthetic classes; so do include patterns here (an annotation is the user's own word).
        List<MethodPattern> named = (scan.access & Opcodes.ACC_SYNTHETIC) != 0 ? List.of()
                : IncludeMatchers.forClass(includes, scan.binaryName());
        boolean wanted = scan.anyAnnotated() || !named.isEmpty();
        if (scan.version < Opcodes.V1_6 || scan.abstractAnnotated || (scan.access & Opcodes.ACC_INTERFACE) != 0) {
            return wanted ? Result.BYTE_BUDDY : Result.NOTHING;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (Scan.Method m : scan.methods) {
            boolean profiled = m.annotation != null || scan.typeAnnotation != null
                    || IncludeMatchers.matchesMethod(named, m.name);
            if (!profiled || (m.access & SKIPPED) != 0 || m.name.equals("<init>") || m.name.equals("<clinit>")) {
                continue;
            }
            long spikeBytes = spikeBytes(m.annotation, scan.typeAnnotation);
            int id = registry.register(name(scan, m), scan.binaryName() + "#" + m.name + m.desc, "method", spikeBytes);
            if (spikeBytes > 0) {
                RecordingThresholds.lowerForOperation(spikeBytes);
            }
            ids.put(m.name + m.desc, id);
        }
        return write(loader, reader, scan, ids);
    }

    /**
     * Runs this weaver's code once on a class file, every annotated method given operation 0 and nothing
     * registered: loads and initializes every class weaving needs (see {@link PrefilteringTransformer#preload}).
     */
    static byte[] exercise(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        Scan scan = new Scan();
        reader.accept(scan, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
        Map<String, Integer> ids = new HashMap<>();
        for (Scan.Method m : scan.methods) {
            if (m.annotation != null) {
                name(scan, m);
                spikeBytes(m.annotation, scan.typeAnnotation);
                ids.put(m.name + m.desc, 0);
            }
        }
        return write(null, reader, scan, ids).bytes();
    }

    private static Result write(ClassLoader loader, ClassReader reader, Scan scan, Map<String, Integer> ids) {
        if (ids.isEmpty()) {
            return Result.NOTHING;
        }
        boolean rewroteMonitor = false;
        for (Scan.Method m : scan.methods) {
            rewroteMonitor |= ids.containsKey(m.name + m.desc) && (m.access & Opcodes.ACC_SYNCHRONIZED) != 0;
        }
        if (rewroteMonitor) {
            SynchronizedMethods.rewrittenAtLoad(loader, scan.binaryName());
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new Weave(writer, scan.name, ids), ClassReader.EXPAND_FRAMES);
        return new Result(writer.toByteArray(), false);
    }

    private static String name(Scan scan, Scan.Method m) {
        return OperationNaming.operationName(m.annotation != null ? m.annotation.name : null,
                scan.typeAnnotation != null ? scan.typeAnnotation.name : null, scan.simpleName(), m.name);
    }

    private static long spikeBytes(Values own, Values type) {
        return OperationNaming.spikeBytes(own != null ? own.spikeMb : -1, type != null ? type.spikeMb : -1);
    }

    /** {@code @ProfileMemory}'s values as written in the class file (absent: the defaults). */
    private static final class Values extends AnnotationVisitor {
        String name = "";
        long spikeMb = -1;

        Values() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(String attribute, Object value) {
            if (attribute.equals("name") && value instanceof String s) {
                name = s;
            } else if (attribute.equals("spikeMb") && value instanceof Long l) {
                spikeMb = l;
            }
        }
    }

    /** First pass, without code: the annotations, the methods, the simple name. */
    private static final class Scan extends ClassVisitor {
        int version;
        int access;
        String name;
        String innerSimpleName;
        boolean innerSeen;
        Values typeAnnotation;
        boolean abstractAnnotated;
        final List<Method> methods = new ArrayList<>();

        static final class Method {
            final int access;
            final String name;
            final String desc;
            Values annotation;

            Method(int access, String name, String desc) {
                this.access = access;
                this.name = name;
                this.desc = desc;
            }
        }

        Scan() {
            super(Opcodes.ASM9);
        }

        boolean anyAnnotated() {
            if (typeAnnotation != null || abstractAnnotated) {
                return true;
            }
            for (Method m : methods) {
                if (m.annotation != null) {
                    return true;
                }
            }
            return false;
        }

        String binaryName() {
            return name.replace('/', '.');
        }

        /** As {@code Class#getSimpleName}: the InnerClasses entry's name, else after the last '.' or '$'. */
        String simpleName() {
            if (innerSeen && innerSimpleName != null && !innerSimpleName.isEmpty()) {
                return innerSimpleName;
            }
            return OperationNaming.simpleNameOf(binaryName());
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.version = version & 0xFFFF;
            this.access = access;
            this.name = name;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            if (descriptor.equals(ANNOTATION_DESC)) {
                typeAnnotation = new Values();
                return typeAnnotation;
            }
            return null;
        }

        @Override
        public void visitInnerClass(String inner, String outer, String innerName, int access) {
            if (inner.equals(name)) {
                innerSeen = true;
                innerSimpleName = innerName;
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
            Method m = new Method(access, name, desc);
            methods.add(m);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                    if (descriptor.equals(ANNOTATION_DESC)) {
                        m.annotation = new Values();
                        if ((access & Opcodes.ACC_ABSTRACT) != 0) {
                            abstractAnnotated = true; // Byte Buddy's path names it in a warning
                        }
                        return m.annotation;
                    }
                    return null;
                }
            };
        }
    }

    /** Second pass: the profiled methods rewritten, everything else copied as it is. */
    private static final class Weave extends ClassVisitor {
        private final String owner;
        private final Map<String, Integer> ids;

        Weave(ClassVisitor cv, String owner, Map<String, Integer> ids) {
            super(Opcodes.ASM9, cv);
            this.owner = owner;
            this.ids = ids;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
            Integer id = ids.get(name + desc);
            boolean monitor = id != null && (access & Opcodes.ACC_SYNCHRONIZED) != 0;
            MethodVisitor mv = super.visitMethod(monitor ? access & ~Opcodes.ACC_SYNCHRONIZED : access, name, desc,
                    signature, exceptions);
            if (id == null || mv == null) {
                return mv;
            }
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            MethodVisitor woven = new ProfiledMethod(mv, owner, id, isStatic, desc);
            return monitor ? SynchronizedMethods.monitorInBody(woven, owner, isStatic, desc, true) : woven;
        }
    }

    /**
     * One profiled method's code: the enter, the exits, the handler. Its state and token sit right after the
     * parameters ({@link ShiftedLocalsMethod} moves the method's own locals and frames up).
     */
    private static final class ProfiledMethod extends ShiftedLocalsMethod {
        private final int operationId;
        private final Label start = new Label();
        private final Label handler = new Label();

        ProfiledMethod(MethodVisitor mv, String owner, int operationId, boolean isStatic, String desc) {
            super(mv, owner, desc, isStatic, new Object[] {STATE, Opcodes.INTEGER});
            this.operationId = operationId;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOT_PATH, "currentState", "()L" + STATE + ";", false);
            mv.visitInsn(Opcodes.DUP);
            mv.visitVarInsn(Opcodes.ASTORE, firstSlot);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOT_PATH, "enter", "(L" + STATE + ";)I", false);
            mv.visitVarInsn(Opcodes.ISTORE, firstSlot + 1);
        }

        /** After the method's own exception table: its own catch clauses come first. */
        @Override
        protected void onAfterExceptionTable() {
            mv.visitTryCatchBlock(start, handler, handler, null);
            mv.visitLabel(start);
        }

        private void exit(boolean threw) {
            pushInt(operationId);
            mv.visitVarInsn(Opcodes.ALOAD, firstSlot);
            mv.visitVarInsn(Opcodes.ILOAD, firstSlot + 1);
            mv.visitInsn(threw ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOT_PATH, "exit", "(IL" + STATE + ";IZ)V", false);
        }

        private void pushInt(int v) {
            if (v <= Short.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.SIPUSH, v);
            } else {
                mv.visitLdcInsn(v);
            }
        }

        @Override
        protected void onVisitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                exit(false);
            }
            mv.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            mv.visitLabel(handler);
            // Only the state and token are read here: the parameters' slots may hold anything by now.
            Object[] locals = locals(new Object[0], entries);
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            exit(true);
            mv.visitInsn(Opcodes.ATHROW);
            // The exit call's four arguments above the method's own stack (a return value), or above the exception.
            mv.visitMaxs(Math.max(maxStack + 4, 1 + 4), maxLocals + 2);
        }
    }

}

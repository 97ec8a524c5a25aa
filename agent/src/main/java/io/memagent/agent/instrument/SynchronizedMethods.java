package io.memagent.agent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.ModifierAdjustment;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.SynchronizationState;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.visitor.ExceptionTableSensitiveMethodVisitor;

import static net.bytebuddy.matcher.ElementMatchers.isSynchronized;

/**
 * Puts a profiled {@code synchronized} method's wait for its monitor inside the measured call.
 *
 * <p>The JVM takes the monitor of an {@code ACC_SYNCHRONIZED} method before its first instruction,
 * so advice woven into the body starts its clock only once the monitor is held: a call that waited
 * 300 ms to enter would report 0 ms. At class load, the flag is dropped and the body is wrapped the
 * way {@code javac} compiles a {@code synchronized} block, inside the advice:
 * <pre>
 *   [enter advice] monitorenter(lock)
 *   start:   body, with monitorexit(lock) before every return
 *   end:
 *   handler: monitorexit(lock); athrow     (catches anything in [start, end) and in itself)
 *   [exit advice]
 * </pre>
 * The lock is {@code this}, or the class for a static method, as the JVM's own. The handler's
 * exception-table entries come after the method's own entries (so its own {@code catch} clauses
 * still win) and before the advice's (so the monitor is released before the exit advice runs).
 * Semantics are the JVM's: mutual exclusion, reentrancy, {@code wait}/{@code notify}, release on
 * any exception. Only {@code Thread.holdsLock} before the first instruction, and reflection's
 * {@code Modifier.isSynchronized}, can tell.
 *
 * <p>A class's modifiers cannot change once it is loaded, so a class that was already loaded
 * (retransformed when the agent attaches late) keeps {@code ACC_SYNCHRONIZED} and the old
 * measure. A class rewritten at load is rewritten again whenever anything retransforms it, or the
 * JVM would refuse the changed modifiers.
 */
final class SynchronizedMethods {
    /** The class being retransformed, set around the delegate call by the pre-filter; null while loading. */
    private static final ThreadLocal<Class<?>> RETRANSFORMING = new ThreadLocal<>();
    /** Classes whose methods were rewritten at load, by loader (weakly) and name. */
    private static final Map<ClassLoader, Set<String>> REWRITTEN = Collections.synchronizedMap(new WeakHashMap<>());

    private SynchronizedMethods() {
    }

    static void retransforming(Class<?> redefined) {
        if (redefined == null) {
            RETRANSFORMING.remove();
        } else {
            RETRANSFORMING.set(redefined);
        }
    }

    /**
     * Adds the rewrite to {@code builder} for the profiled synchronized methods of {@code type},
     * when its class file has frames and it is loading now or was rewritten when it loaded.
     * Added after the advice, so the rewritten body is what the advice wraps.
     */
    static DynamicType.Builder<?> rewrite(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                          ElementMatcher<? super MethodDescription> profiled) {
        ElementMatcher.Junction<MethodDescription> methods = isSynchronized().and(profiled);
        ClassFileVersion version = type.getClassFileVersion();
        // Stack map frames (Java 6) are what the handler's frame is written as. Named here, not in a static field:
        // ClassFileVersion's initializer finds the JVM's version by reflection, which the ASM weaver, calling this
        // class at start, should not pay for.
        if (loader == null || version == null || !version.isAtLeast(ClassFileVersion.JAVA_V6)
                || type.getDeclaredMethods().filter(methods).isEmpty()) {
            return builder;
        }
        if (RETRANSFORMING.get() == null) {
            REWRITTEN.computeIfAbsent(loader, l -> Collections.synchronizedSet(new HashSet<>())).add(type.getName());
        } else {
            Set<String> names = REWRITTEN.get(loader);
            if (names == null || !names.contains(type.getName())) {
                return builder; // loaded before the agent: it keeps its modifiers
            }
        }
        return builder
                .visit(new AsmVisitorWrapper.ForDeclaredMethods().method(methods, SynchronizedMethods::wrap))
                .visit(new ModifierAdjustment().withMethodModifiers(methods, SynchronizationState.PLAIN));
    }

    /** A class whose synchronized methods {@link AnnotatedClassWeaver} rewrote at load. */
    static void rewrittenAtLoad(ClassLoader loader, String className) {
        if (loader != null) {
            REWRITTEN.computeIfAbsent(loader, l -> Collections.synchronizedSet(new HashSet<>())).add(className);
        }
    }

    /** The rewrite for a method described by ASM alone (its flag dropped by the caller). */
    static MethodVisitor monitorInBody(MethodVisitor mv, String owner, boolean isStatic, String descriptor,
                                       boolean expandedFrames) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner);
        }
        for (Type p : Type.getArgumentTypes(descriptor)) {
            locals.add(AnnotatedClassWeaver.frameType(p));
        }
        return new MonitorInBody(mv, owner, isStatic, locals.toArray(), expandedFrames);
    }

    private static MethodVisitor wrap(TypeDescription type, MethodDescription method, MethodVisitor mv,
                                      Implementation.Context context, TypePool pool, int writerFlags,
                                      int readerFlags) {
        return new MonitorInBody(mv, type.getInternalName(), method.isStatic(), MonitorInBody.frameLocals(type, method),
                (readerFlags & ClassReader.EXPAND_FRAMES) != 0);
    }

    private static final class MonitorInBody extends ExceptionTableSensitiveMethodVisitor {
        private final String owner;
        private final boolean isStatic;
        private final Object[] frameLocals;
        private final boolean expandedFrames;
        private final Label start = new Label();
        private final Label end = new Label();
        private final Label handler = new Label();
        private final Label handlerEnd = new Label();

        MonitorInBody(MethodVisitor mv, String owner, boolean isStatic, Object[] frameLocals, boolean expandedFrames) {
            super(Opcodes.ASM9, mv);
            this.owner = owner;
            this.isStatic = isStatic;
            this.expandedFrames = expandedFrames;
            this.frameLocals = frameLocals;
        }

        /** The handler's locals: {@code this} and the parameters, as at the method's start. */
        static Object[] frameLocals(TypeDescription type, MethodDescription method) {
            int offset = method.isStatic() ? 0 : 1;
            Object[] locals = new Object[offset + method.getParameters().size()];
            if (!method.isStatic()) {
                locals[0] = type.getInternalName();
            }
            int i = offset;
            for (TypeDefinition p : method.getParameters().asTypeList()) {
                locals[i++] = frameType(p.asErasure());
            }
            return locals;
        }

        private static Object frameType(TypeDescription t) {
            if (t.represents(long.class)) {
                return Opcodes.LONG;
            } else if (t.represents(double.class)) {
                return Opcodes.DOUBLE;
            } else if (t.represents(float.class)) {
                return Opcodes.FLOAT;
            } else if (t.isPrimitive()) {
                return Opcodes.INTEGER; // boolean, byte, char, short, int
            }
            return t.getInternalName();
        }

        private void pushLock() {
            if (isStatic) {
                mv.visitLdcInsn(Type.getObjectType(owner));
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
            }
        }

        @Override
        protected void onAfterExceptionTable() {
            mv.visitTryCatchBlock(start, end, handler, null);
            mv.visitTryCatchBlock(handler, handlerEnd, handler, null);
            pushLock();
            mv.visitInsn(Opcodes.MONITORENTER);
            mv.visitLabel(start);
        }

        @Override
        protected void onVisitInsn(int opcode) {
            if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                pushLock();
                mv.visitInsn(Opcodes.MONITOREXIT);
            }
            mv.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            mv.visitLabel(end);
            mv.visitLabel(handler);
            Object[] stack = {"java/lang/Throwable"};
            mv.visitFrame(expandedFrames ? Opcodes.F_NEW : Opcodes.F_FULL, frameLocals.length, frameLocals,
                    1, stack);
            pushLock();
            mv.visitInsn(Opcodes.MONITOREXIT);
            mv.visitLabel(handlerEnd);
            mv.visitInsn(Opcodes.ATHROW);
            // A return value and the lock, or the exception and the lock, are on the stack at once.
            super.visitMaxs(Math.max(maxStack + 1, 2), maxLocals);
        }
    }
}

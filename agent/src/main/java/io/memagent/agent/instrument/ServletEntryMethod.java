package io.memagent.agent.instrument;

import static io.memagent.agent.instrument.AttributionWeaver.ATTRIBUTION;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A servlet's {@code service} or a filter's {@code doFilter} (void): as {@link ServletAdvice}. At the start,
 * {@code entered} is the request's window if this is the outermost {@code REQUEST} dispatch on the thread (else
 * 0); every return jumps to one exit at the end of the code, and a handler around the body to another, which
 * read the request's method, path and route under a handler of their own and close the window.
 *
 * <p>Its locals after the parameters: {@code entered} (long), the request, the agent-work counter (long), the
 * method, the path, the route and the thrown throwable.
 */
final class ServletEntryMethod extends ShiftedLocalsMethod {
    /** Where Spring MVC leaves the route it matched, read at the request's end. */
    private static final String ROUTE_ATTRIBUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";
    private final String pkg;
    private final Label start = new Label();
    private final Label bodyEnd = new Label();
    private final Label returned = new Label();
    private final Label thrown = new Label();

    ServletEntryMethod(MethodVisitor mv, String owner, String desc, String pkg) {
        super(mv, owner, desc, new Object[] {Opcodes.LONG, "java/lang/Object", Opcodes.TOP, Opcodes.TOP,
            Opcodes.TOP, Opcodes.TOP, Opcodes.TOP, Opcodes.TOP});
        this.pkg = pkg;
    }

    private int entered() {
        return firstSlot;
    }

    private int request() {
        return firstSlot + 2;
    }

    private int agentWork() {
        return firstSlot + 3;
    }

    private int method() {
        return firstSlot + 5;
    }

    private int path() {
        return firstSlot + 6;
    }

    private int route() {
        return firstSlot + 7;
    }

    private int throwable() {
        return firstSlot + 8;
    }

    @Override
    public void visitCode() {
        super.visitCode();
        Label enterStart = new Label();
        Label enterEnd = new Label();
        Label enterFailed = new Label();
        Label notRecorded = new Label();
        Label stored = new Label();
        mv.visitTryCatchBlock(enterStart, enterEnd, enterFailed, "java/lang/Throwable");
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ASTORE, request());
        mv.visitLabel(enterStart);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "canEnterHttp", "()Z", false);
        mv.visitJumpInsn(Opcodes.IFEQ, notRecorded);
        mv.visitVarInsn(Opcodes.ALOAD, request());
        mv.visitTypeInsn(Opcodes.INSTANCEOF, pkg + "http/HttpServletRequest");
        mv.visitJumpInsn(Opcodes.IFEQ, notRecorded);
        mv.visitVarInsn(Opcodes.ALOAD, request());
        mv.visitTypeInsn(Opcodes.CHECKCAST, pkg + "ServletRequest");
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, pkg + "ServletRequest", "getDispatcherType",
                "()L" + pkg + "DispatcherType;", true);
        mv.visitFieldInsn(Opcodes.GETSTATIC, pkg + "DispatcherType", "REQUEST", "L" + pkg + "DispatcherType;");
        mv.visitJumpInsn(Opcodes.IF_ACMPNE, notRecorded);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "enterHttp", "()J", false);
        mv.visitVarInsn(Opcodes.LSTORE, entered());
        mv.visitLabel(enterEnd);
        mv.visitJumpInsn(Opcodes.GOTO, stored);
        Object[] before = locals(parameters, Opcodes.TOP, Opcodes.TOP, "java/lang/Object");
        mv.visitLabel(enterFailed);
        mv.visitFrame(Opcodes.F_NEW, before.length, before, 1, new Object[] {"java/lang/Throwable"});
        mv.visitInsn(Opcodes.POP);
        mv.visitLabel(notRecorded);
        mv.visitFrame(Opcodes.F_NEW, before.length, before, 0, new Object[0]);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitVarInsn(Opcodes.LSTORE, entered());
        mv.visitLabel(stored);
        Object[] after = locals(parameters, Opcodes.LONG, "java/lang/Object");
        mv.visitFrame(Opcodes.F_NEW, after.length, after, 0, new Object[0]);
        mv.visitInsn(Opcodes.NOP); // the method's own first frame, if any, at an offset of its own
    }

    @Override
    protected void onAfterExceptionTable() {
        mv.visitTryCatchBlock(start, bodyEnd, thrown, null);
        mv.visitLabel(start);
    }

    @Override
    protected void onVisitInsn(int opcode) {
        if (opcode == Opcodes.RETURN) {
            mv.visitJumpInsn(Opcodes.GOTO, returned);
        } else {
            mv.visitInsn(opcode);
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        mv.visitLabel(bodyEnd);
        Object[] atExit = locals(topHead(), Opcodes.LONG, "java/lang/Object");
        mv.visitLabel(returned);
        mv.visitFrame(Opcodes.F_NEW, atExit.length, atExit, 0, new Object[0]);
        exit(false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(thrown);
        mv.visitFrame(Opcodes.F_NEW, atExit.length, atExit, 1, new Object[] {"java/lang/Throwable"});
        mv.visitVarInsn(Opcodes.ASTORE, throwable());
        exit(true);
        mv.visitVarInsn(Opcodes.ALOAD, throwable());
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(Math.max(maxStack, 8), maxLocals + extra);
    }

    /** Closes the window (if one was opened): the request's method, path and route read as the advice did. */
    private void exit(boolean threw) {
        Label skip = new Label();
        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label failed = new Label();
        Label call = new Label();
        String request = pkg + "http/HttpServletRequest";
        Object[] head = topHead();
        Object t = threw ? "java/lang/Throwable" : Opcodes.TOP;
        Object[] reading = locals(head, Opcodes.LONG, "java/lang/Object", Opcodes.LONG, "java/lang/String",
                "java/lang/String", "java/lang/Object", t);
        Object[] skipped = locals(head, Opcodes.LONG, "java/lang/Object", Opcodes.TOP, Opcodes.TOP, Opcodes.TOP,
                Opcodes.TOP, Opcodes.TOP, t);
        mv.visitVarInsn(Opcodes.LLOAD, entered());
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFEQ, skip);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "agentWorkStarts", "()J", false);
        mv.visitVarInsn(Opcodes.LSTORE, agentWork());
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, method());
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, path());
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, route());
        mv.visitTryCatchBlock(tryStart, tryEnd, failed, "java/lang/Throwable");
        mv.visitLabel(tryStart);
        mv.visitVarInsn(Opcodes.ALOAD, request());
        mv.visitTypeInsn(Opcodes.CHECKCAST, request);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, request, "getMethod", "()Ljava/lang/String;", true);
        mv.visitVarInsn(Opcodes.ASTORE, method());
        mv.visitVarInsn(Opcodes.ALOAD, request());
        mv.visitTypeInsn(Opcodes.CHECKCAST, request);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, request, "getRequestURI", "()Ljava/lang/String;", true);
        mv.visitVarInsn(Opcodes.ASTORE, path());
        mv.visitVarInsn(Opcodes.ALOAD, request());
        mv.visitTypeInsn(Opcodes.CHECKCAST, request);
        mv.visitLdcInsn(ROUTE_ATTRIBUTE);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, request, "getAttribute",
                "(Ljava/lang/String;)Ljava/lang/Object;", true);
        mv.visitVarInsn(Opcodes.ASTORE, route());
        mv.visitLabel(tryEnd);
        mv.visitJumpInsn(Opcodes.GOTO, call);
        mv.visitLabel(failed);
        mv.visitFrame(Opcodes.F_NEW, reading.length, reading, 1, new Object[] {"java/lang/Throwable"});
        mv.visitInsn(Opcodes.POP); // named "(other operations)", as the advice did
        mv.visitLabel(call);
        mv.visitFrame(Opcodes.F_NEW, reading.length, reading, 0, new Object[0]);
        mv.visitVarInsn(Opcodes.LLOAD, entered());
        mv.visitVarInsn(Opcodes.LLOAD, agentWork());
        mv.visitVarInsn(Opcodes.ALOAD, method());
        mv.visitVarInsn(Opcodes.ALOAD, path());
        mv.visitVarInsn(Opcodes.ALOAD, route());
        mv.visitInsn(threw ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "exitHttp",
                "(JJLjava/lang/String;Ljava/lang/String;Ljava/lang/Object;Z)V", false);
        mv.visitLabel(skip);
        mv.visitFrame(Opcodes.F_NEW, skipped.length, skipped, 0, new Object[0]);
    }
}

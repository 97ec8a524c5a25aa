package io.memagent.agent.instrument;

import io.memagent.bootstrap.Attribution;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves JDBC and HTTP attribution into a class as it loads, with plain ASM (the copy Byte Buddy ships), so an app
 * with {@code memagent.attribute.jdbc} or {@code .http} never waits for, or pays the building of, Byte Buddy's
 * {@code AgentBuilder}. {@link AttributionTypes} has decided from the class files that the class is a statement,
 * connection, JDK HTTP handler, servlet or filter; the methods, and what is woven into them, are those of
 * {@link JdbcAdvice}, {@link HttpAdvice} and {@link ServletAdvice}, which Byte Buddy still uses for what this weaver
 * leaves to it (retransformation, a late attach, a class also annotated or included, old class files):
 * <ul>
 *   <li>{@code Statement.execute/executeQuery/executeUpdate/executeLargeUpdate(String, ...)}: a window named by
 *       the SQL; with no arguments, and {@code executeBatch/executeLargeBatch()}: named by the SQL seen at prepare;</li>
 *   <li>{@code Connection.prepareStatement/prepareCall(String, ...)}: the returned statement remembers its SQL;</li>
 *   <li>{@code HttpHandler.handle(HttpExchange)}: a window named by method and path;</li>
 *   <li>{@code service(ServletRequest, ServletResponse)} of a servlet, {@code doFilter(ServletRequest,
 *       ServletResponse, FilterChain)} of a filter, of either API: the outermost {@code REQUEST} dispatch on a
 *       thread, named at its end by the route the framework matched, else its path.</li>
 * </ul>
 * Everything the agent does is a call into {@link Attribution} (boot loader), which catches every throwable; only
 * the servlet API's own calls stay in the woven code, under a handler of their own, as the advice had them. A
 * window's locals sit right after the parameters; the method's own locals move up, and every stack map frame gets
 * the new entries (frames are read expanded). Nothing is added to the class but code: no field, no method.
 */
final class AttributionWeaver {
    /** The boot class every woven call goes to. */
    static final String ATTRIBUTION = Type.getInternalName(Attribution.class);
    private static final int SKIPPED = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE
            | Opcodes.ACC_STATIC;
    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate");
    private static final Set<String> BATCHES = Set.of("executeBatch", "executeLargeBatch");
    private static final Set<String> PREPARES = Set.of("prepareStatement", "prepareCall");
    private static final String HANDLE = "handle";
    private static final String SERVICE = "service";
    private static final String DO_FILTER = "doFilter";
    /**
     * Every name of a method {@link #kindOf} weaves for JDBC, and for HTTP: a class that declares no method by one of
     * them has nothing to weave, which the class filter reads from the class file before anything else parses it
     * ({@link ClassFileScan}).
     */
    static final Set<String> JDBC_METHOD_NAMES = union(EXECUTES, BATCHES, PREPARES);
    static final Set<String> HTTP_METHOD_NAMES = Set.of(HANDLE, SERVICE, DO_FILTER);
    private static final String STRING_FIRST = "(Ljava/lang/String;";
    private static final String JAKARTA_SERVICE = servletDescriptor("jakarta/servlet/", "");
    private static final String JAKARTA_DO_FILTER = servletDescriptor("jakarta/servlet/", "FilterChain");
    private static final String JAVAX_SERVICE = servletDescriptor("javax/servlet/", "");
    private static final String JAVAX_DO_FILTER = servletDescriptor("javax/servlet/", "FilterChain");

    private AttributionWeaver() {
    }

    /** {@code service(ServletRequest, ServletResponse)}'s descriptor, or with a third parameter doFilter's. */
    private static String servletDescriptor(String pkg, String third) {
        return "(L" + pkg + "ServletRequest;L" + pkg + "ServletResponse;" + (third.isEmpty() ? "" : "L" + pkg + third + ";")
                + ")V";
    }

    private static Set<String> union(Set<String> a, Set<String> b, Set<String> c) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        all.addAll(c);
        return Set.copyOf(all);
    }

    /**
     * The kinds, among {@code kinds}, in a class of which this weaver would weave a method the class declares (name
     * and descriptor, {@link #kindOf}), read from the method table alone (no code); 0 for none. A class that declares
     * none has nothing to weave whatever its supertypes, so they need not be resolved: of the 1,232 class files in a
     * Spring Boot app's libraries that mention {@code java/sql/} or a servlet package, 39 pass, and the supertype class
     * files read to decide drop from 495 to 32. For one that does, only these kinds are looked for among its
     * supertypes ({@link AttributionTypes#kinds(ClassLoader, byte[], int)}).
     */
    static int declaredKinds(byte[] classFile, int kinds) {
        Declares declares = new Declares(kinds);
        new ClassReader(classFile).accept(declares, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG
                | ClassReader.SKIP_FRAMES);
        return declares.found;
    }

    /** Looks at each method's access, name and descriptor, and skips everything else. */
    private static final class Declares extends ClassVisitor {
        private final int kinds;
        int found;

        Declares(int kinds) {
            super(Opcodes.ASM9);
            this.kinds = kinds;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
            if (kindOf(kinds, access, name, desc) == null) {
                return null; // most methods: none of the kinds weaves them
            }
            for (int kind = Integer.lowestOneBit(kinds), rest = kinds; kind != 0;
                    rest &= ~kind, kind = Integer.lowestOneBit(rest)) {
                if ((found & kind) == 0 && kindOf(kind, access, name, desc) != null) {
                    found |= kind;
                }
            }
            return null;
        }
    }

    /**
     * The class woven, or null when none of its methods is one to weave. Throws on a class file this weaver does
     * not handle (before Java 6, no stack map frames): Byte Buddy then does it.
     */
    static byte[] weave(byte[] classFile, int kinds) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        Weave weave = new Weave(writer, kinds);
        reader.accept(weave, ClassReader.EXPAND_FRAMES);
        return weave.woven ? writer.toByteArray() : null;
    }

    /** What one method gets, from its name and descriptor and the class's kinds; null for nothing. */
    static Kind kindOf(int kinds, int access, String name, String desc) {
        if ((access & SKIPPED) != 0) {
            return null;
        }
        if ((kinds & AttributionTypes.STATEMENT) != 0) {
            if (EXECUTES.contains(name) && desc.startsWith(STRING_FIRST)) {
                return Kind.SQL;
            }
            if ((EXECUTES.contains(name) || BATCHES.contains(name)) && desc.startsWith("()")) {
                return Kind.PREPARED;
            }
        }
        if ((kinds & AttributionTypes.CONNECTION) != 0 && PREPARES.contains(name) && desc.startsWith(STRING_FIRST)
                && Type.getReturnType(desc).getSort() == Type.OBJECT) {
            return Kind.PREPARE;
        }
        if ((kinds & AttributionTypes.HANDLER) != 0 && name.equals(HANDLE)
                && desc.startsWith("(Lcom/sun/net/httpserver/HttpExchange;)")) {
            return Kind.EXCHANGE;
        }
        if (name.equals(SERVICE)) {
            if ((kinds & AttributionTypes.JAKARTA_SERVLET) != 0 && desc.equals(JAKARTA_SERVICE)) {
                return Kind.JAKARTA;
            }
            if ((kinds & AttributionTypes.JAVAX_SERVLET) != 0 && desc.equals(JAVAX_SERVICE)) {
                return Kind.JAVAX;
            }
        } else if (name.equals(DO_FILTER)) {
            if ((kinds & AttributionTypes.JAKARTA_FILTER) != 0 && desc.equals(JAKARTA_DO_FILTER)) {
                return Kind.JAKARTA;
            }
            if ((kinds & AttributionTypes.JAVAX_FILTER) != 0 && desc.equals(JAVAX_DO_FILTER)) {
                return Kind.JAVAX;
            }
        }
        return null;
    }

    enum Kind {
        SQL, PREPARED, PREPARE, EXCHANGE, JAKARTA, JAVAX;

        String servletPackage() {
            return this == JAKARTA ? "jakarta/servlet/" : "javax/servlet/";
        }
    }

    private static final class Weave extends ClassVisitor {
        private final int kinds;
        private String owner;
        boolean woven;

        Weave(ClassVisitor cv, int kinds) {
            super(Opcodes.ASM9, cv);
            this.kinds = kinds;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            if ((version & 0xFFFF) < Opcodes.V1_6) {
                throw new IllegalStateException("class file version " + (version & 0xFFFF) + " has no frames to extend");
            }
            this.owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, desc, signature, exceptions);
            Kind kind = kindOf(kinds, access, name, desc);
            if (kind == null || mv == null) {
                return mv;
            }
            woven = true;
            switch (kind) {
                case PREPARE:
                    return new PrepareMethod(mv);
                case JAKARTA:
                case JAVAX:
                    return new ServletEntryMethod(mv, owner, desc, kind.servletPackage());
                default:
                    return new WindowMethod(mv, owner, desc, kind);
            }
        }
    }

    /** {@code prepareStatement/prepareCall}: before each return, the returned statement and the SQL argument. */
    private static final class PrepareMethod extends MethodVisitor {
        PrepareMethod(MethodVisitor mv) {
            super(Opcodes.ASM9, mv);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.ARETURN) {
                mv.visitInsn(Opcodes.DUP);
                mv.visitVarInsn(Opcodes.ALOAD, 1); // the SQL argument, as it is now (as @Advice.Argument(0) reads it)
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "prepared",
                        "(Ljava/lang/Object;Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(maxStack + 2, maxLocals);
        }
    }

    /**
     * A statement's execute or a handler's handle: {@code long entered = Attribution.enterX(...)} at the start,
     * {@code Attribution.exitX(entered, false)} before every return, {@code exitX(entered, true)} and a rethrow in a
     * handler around the body (after the method's own handlers).
     */
    private static final class WindowMethod extends ShiftedLocalsMethod {
        private final Kind kind;
        private final Label start = new Label();
        private final Label handler = new Label();

        WindowMethod(MethodVisitor mv, String owner, String desc, Kind kind) {
            super(mv, owner, desc, new Object[] {Opcodes.LONG});
            this.kind = kind;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            switch (kind) {
                case SQL:
                    mv.visitVarInsn(Opcodes.ALOAD, 1);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "enterSql", "(Ljava/lang/String;)J", false);
                    break;
                case PREPARED:
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "enterPrepared", "(Ljava/lang/Object;)J",
                            false);
                    break;
                default:
                    enterExchange();
                    return;
            }
            mv.visitVarInsn(Opcodes.LSTORE, firstSlot);
        }

        /**
         * The exchange's method and path, read here (the boot class cannot name {@code jdk.httpserver}'s types)
         * under a handler of their own: if they throw, the request is not recorded, as the advice had it.
         */
        private void enterExchange() {
            String exchange = "com/sun/net/httpserver/HttpExchange";
            Label enterStart = new Label();
            Label enterEnd = new Label();
            Label enterFailed = new Label();
            Label stored = new Label();
            mv.visitTryCatchBlock(enterStart, enterEnd, enterFailed, "java/lang/Throwable");
            mv.visitLabel(enterStart);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, exchange, "getRequestMethod", "()Ljava/lang/String;", false);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, exchange, "getRequestURI", "()Ljava/net/URI;", false);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/URI", "getPath", "()Ljava/lang/String;", false);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, "enterExchange",
                    "(Ljava/lang/String;Ljava/lang/String;)J", false);
            mv.visitVarInsn(Opcodes.LSTORE, firstSlot);
            mv.visitLabel(enterEnd);
            mv.visitJumpInsn(Opcodes.GOTO, stored);
            Object[] before = locals(parameters, Opcodes.TOP, Opcodes.TOP);
            mv.visitLabel(enterFailed);
            mv.visitFrame(Opcodes.F_NEW, before.length, before, 1, new Object[] {"java/lang/Throwable"});
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.LCONST_0);
            mv.visitVarInsn(Opcodes.LSTORE, firstSlot);
            mv.visitLabel(stored);
            Object[] after = locals(parameters, Opcodes.LONG);
            mv.visitFrame(Opcodes.F_NEW, after.length, after, 0, new Object[0]);
            mv.visitInsn(Opcodes.NOP); // the method's own first frame, if any, at an offset of its own
        }

        @Override
        protected void onAfterExceptionTable() {
            mv.visitTryCatchBlock(start, handler, handler, null);
            mv.visitLabel(start);
        }

        private void exit(boolean threw) {
            mv.visitVarInsn(Opcodes.LLOAD, firstSlot);
            mv.visitInsn(threw ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ATTRIBUTION, kind == Kind.EXCHANGE ? "exitExchange" : "exitDb",
                    "(JZ)V", false);
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
            Object[] locals = locals(topHead(), Opcodes.LONG);
            mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            exit(true);
            mv.visitInsn(Opcodes.ATHROW);
            // The exit call's arguments (a long and an int) above a return value, or above the exception.
            mv.visitMaxs(Math.max(maxStack + 3, 1 + 3), maxLocals + extra);
        }
    }
}

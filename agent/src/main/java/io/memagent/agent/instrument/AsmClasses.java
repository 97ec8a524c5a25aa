package io.memagent.agent.instrument;

/**
 * ASM's core package (the copy Byte Buddy ships), class by class: which of its classes a class file needs depends on
 * what is in it (method handles, type annotations, dynamic constants, ...), so the class filter's preload loads and
 * initializes them all, by name ({@link FilterPreload}).
 *
 * <p>memagent-preload runs this before premain has defined the boot classes, so this class refers to nothing but
 * the JDK and ASM: linking a class that refers to a boot class then could load the jar's copy of it into the wrong
 * loader.
 */
final class AsmClasses {
    private static final String[] NAMES = {"AnnotationVisitor", "AnnotationWriter", "Attribute",
        "Attribute$Set", "ByteVector", "ClassReader", "ClassTooLargeException", "ClassVisitor", "ClassWriter",
        "ConstantDynamic", "Constants", "Context", "CurrentFrame", "Edge", "FieldVisitor", "FieldWriter", "Frame",
        "Handle", "Handler", "Label", "MethodTooLargeException", "MethodVisitor", "MethodWriter", "ModuleVisitor",
        "ModuleWriter", "Opcodes", "RecordComponentVisitor", "RecordComponentWriter", "Symbol", "SymbolTable",
        "SymbolTable$Entry", "SymbolTable$LabelEntry", "Type", "TypePath", "TypeReference"};

    private AsmClasses() {
    }

    /** Loads and initializes every class of ASM's core package. Needs no configuration. */
    static void load() {
        ClassLoader own = AsmClasses.class.getClassLoader();
        String asm = net.bytebuddy.jar.asm.ClassReader.class.getPackageName() + ".";
        try {
            for (String simpleName : NAMES) {
                Class.forName(asm + simpleName, true, own);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step, run on the compiled class (single-file source, no dependencies): sets ACC_VARARGS on the class's
 * {@code premain(String, Instrumentation)} and {@code agentmain(String, Instrumentation)}.
 *
 * <p>Why: the JVM calls an agent's entry point by reflection. On JDK 18 and later a reflective call goes through
 * method handles, and the JDK generates about seven classes for that one call (on JDK 24+ with its class-file
 * library, which then counts towards getting C1 to compile that library's stack-map generator, a 7.6 MiB arena
 * that stays in the process's resident memory). For a method flagged varargs whose last parameter is not an array,
 * the JDK's reflection uses the JVM's native call instead, which generates nothing
 * ({@code MethodHandleAccessorFactory.useNativeAccessor}). Java source cannot say that, so the flag is set here;
 * nothing else reads it.
 *
 * <p>Usage: {@code java MarkEntryPointsVarargs.java path/to/Class.class}. Fails the build if neither method is found.
 */
public final class MarkEntryPointsVarargs {
    private static final int ACC_VARARGS = 0x0080;
    private static final String DESCRIPTOR = "(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V";

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        byte[] bytes = Files.readAllBytes(file);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException(file + " is not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> { in.skipBytes(8); i++; }
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                default -> throw new IOException(file + ": constant pool tag " + tag + " at " + i);
            }
        }
        in.skipBytes(6); // access, this, super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int f = 0; f < fields; f++) {
            in.skipBytes(6);
            skipAttributes(in);
        }
        int methods = in.readUnsignedShort();
        int marked = 0;
        for (int m = 0; m < methods; m++) {
            int at = bytes.length - in.available(); // the method's access flags
            int access = in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            if ((name.equals("premain") || name.equals("agentmain")) && descriptor.equals(DESCRIPTOR)) {
                access |= ACC_VARARGS;
                bytes[at] = (byte) (access >>> 8);
                bytes[at + 1] = (byte) access;
                marked++;
            }
            skipAttributes(in);
        }
        if (marked == 0) {
            throw new IOException(file + " has no premain or agentmain " + DESCRIPTOR);
        }
        Files.write(file, bytes);
        System.out.println("ACC_VARARGS set on " + marked + " entry point(s) of " + file.getFileName());
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int a = 0; a < n; a++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}

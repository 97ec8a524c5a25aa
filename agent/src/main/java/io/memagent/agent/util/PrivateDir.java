package io.memagent.agent.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories the agent writes private files into (heap dumps, the generated HTTP token): one
 * it did not create is used only if it is owned by this process's user and neither group nor
 * others can write to it, so no one else can swap, read or pre-plant the files.
 */
public final class PrivateDir {
    private PrivateDir() {
    }

    /**
     * Null when {@code dir} is missing (the agent creates it 0700) or safe; otherwise why it is
     * refused, naming {@code key}, the directory and what is accepted.
     */
    public static String problem(String key, Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String me = System.getProperty("user.name");
            String expected = ": expected a directory owned by " + me + " that group and others cannot write (chmod 700)";
            if (a.isSymbolicLink() || !a.isDirectory()) {
                return key + " = '" + dir + "' is " + (a.isSymbolicLink() ? "a symbolic link" : "not a directory") + expected;
            }
            String owner = a.owner().getName();
            if (!owner.equals(me)) {
                return key + " = '" + dir + "' is owned by " + owner + ", not by " + me + expected;
            }
            Set<PosixFilePermission> p = a.permissions();
            if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                return key + " = '" + dir + "' can be written by " + (p.contains(PosixFilePermission.OTHERS_WRITE) ? "others"
                        : "its group") + " (" + PosixFilePermissions.toString(p) + ")" + expected;
            }
            return null;
        } catch (UnsupportedOperationException e) {
            return null; // no POSIX permissions on this file system: nothing to check against
        } catch (IOException e) {
            return key + " = '" + dir + "' cannot be inspected (" + e.getClass().getSimpleName() + ")";
        }
    }
}

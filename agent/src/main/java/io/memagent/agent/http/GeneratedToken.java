package io.memagent.agent.http;

import io.memagent.agent.util.PrivateDir;
import io.memagent.agent.util.ProcessId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * POST endpoints always need a token. Without {@code memagent.http.token} the agent makes one
 * at start (32 random bytes, base64url) and writes it, as Jupyter does, to
 * {@code ~/.memagent/http-token-<pid>}: the directory 0700 (an existing one must be the user's
 * and not writable by others, see {@link PrivateDir}), the file 0600, deleted when the JVM ends.
 */
final class GeneratedToken {
    final String token;
    /** Where it was written, or null when it could not be (then no POST can succeed). */
    final Path file;
    /** Why it could not be written, or null. */
    final String problem;

    private GeneratedToken(String token, Path file, String problem) {
        this.token = token;
        this.file = file;
        this.problem = problem;
    }

    static GeneratedToken create() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path dir = Path.of(System.getProperty("user.home"), ".memagent");
        Path file = dir.resolve("http-token-" + ProcessId.current());
        String problem = PrivateDir.problem("the token directory", dir);
        if (problem != null) {
            return new GeneratedToken(token, null, problem);
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.deleteIfExists(file); // a file left by an earlier process with this pid
            // Created 0600 before a byte is written: no moment where it is readable by others.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, token.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            file.toFile().deleteOnExit();
            return new GeneratedToken(token, file, null);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return new GeneratedToken(token, null, "cannot write " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}

package io.memagent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection over a plain socket, for what {@code java.net.http.HttpClient}
 * will not do: several requests written at once (pipelined), then more on the same connection.
 * Reads responses framed by {@code Content-Length} or chunked encoding.
 */
final class KeepAliveConnection implements AutoCloseable {
    /** A response's status line and body; status 0: none came within the read timeout. */
    record Response(int status, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    KeepAliveConnection(int port, int readTimeoutMillis) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes GET requests for all of {@code paths} in one write. */
    void send(String... paths) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String p : paths) {
            sb.append("GET ").append(p).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The next response on the connection, or status 0 if none began within the read timeout. */
    Response read() throws IOException {
        String head;
        try {
            head = readHead();
        } catch (SocketTimeoutException e) {
            return new Response(0, "");
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size; (size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                readLine();
            }
            readLine(); // after the last chunk: the empty trailer line
        } else if (length > 0) {
            body.write(in.readNBytes((int) length));
        }
        return new Response(status, body.toString(StandardCharsets.UTF_8));
    }

    private String readHead() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line; !(line = readLine()).isEmpty(); ) {
            sb.append(line).append("\r\n");
        }
        return sb.toString();
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection was closed; read so far: " + sb);
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package nodecast;

import java.nio.charset.StandardCharsets;

/** Bytes and texts shown in failures and reports: printable ASCII, everything else escaped, cut at a length. */
final class Printable {
    private Printable() {
    }

    static String escape(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
            }
        }
        out.append('"');
        if (bytes.length > max) {
            out.append("...(").append(bytes.length).append(" bytes)");
        }
        return out.toString();
    }

    static String quote(String text) {
        return text == null ? "null" : escape(text.getBytes(StandardCharsets.UTF_8), 80);
    }
}

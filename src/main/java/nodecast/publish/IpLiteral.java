package nodecast.publish;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an IP address written as text into its bytes: IPv4 as four decimal octets, IPv6 as
 * eight hex groups, with one {@code ::} for a run of zero groups and optionally a dotted IPv4
 * address as its last 32 bits. Nothing else: no zone id, no brackets, no port, no host name.
 * {@link java.net.InetAddress#getByName} would take anything it cannot read as a literal for a
 * host name and look it up, a DNS wait on the thread that asked; this never resolves anything.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /** The address's 4 or 16 bytes, or null if {@code text} is not exactly an IP literal. */
    static byte[] parse(String text) {
        return text.indexOf(':') < 0 ? ipv4(text) : ipv6(text);
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = octet(parts[i]);
            if (octet < 0) {
                return null;
            }
            bytes[i] = (byte) octet;
        }
        return bytes;
    }

    /** 0 to 255 in ASCII decimal, without leading zeros (some readers take those for octal); else -1. */
    private static int octet(String part) {
        if (part.isEmpty() || part.length() > 3 || part.length() > 1 && part.charAt(0) == '0') {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null; // a second "::", or ":::": the zero run would be ambiguous
        }
        List<Integer> head = groups(gap < 0 ? text : text.substring(0, gap), gap < 0);
        List<Integer> tail = groups(gap < 0 ? "" : text.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int given = head.size() + tail.size();
        // "::" stands for at least one zero group; without it all eight must be written.
        if (gap < 0 ? given != 8 : given > 7) {
            return null;
        }
        byte[] bytes = new byte[16];
        put(bytes, 0, head);
        put(bytes, 8 - tail.size(), tail);
        return bytes;
    }

    /**
     * The 16-bit groups of {@code part}, none for "", or null if one is not 1 to 4 hex digits;
     * when {@code endsAddress}, its last piece may be a dotted IPv4 address, which is two groups.
     */
    private static List<Integer> groups(String part, boolean endsAddress) {
        List<Integer> groups = new ArrayList<>();
        if (part.isEmpty()) {
            return groups;
        }
        String[] pieces = part.split(":", -1);
        for (int i = 0; i < pieces.length; i++) {
            if (endsAddress && i == pieces.length - 1 && pieces[i].indexOf('.') >= 0) {
                byte[] v4 = ipv4(pieces[i]);
                if (v4 == null) {
                    return null;
                }
                groups.add((v4[0] & 0xff) << 8 | v4[1] & 0xff);
                groups.add((v4[2] & 0xff) << 8 | v4[3] & 0xff);
            } else {
                int group = hexGroup(pieces[i]);
                if (group < 0) {
                    return null;
                }
                groups.add(group);
            }
        }
        return groups;
    }

    /** 1 to 4 ASCII hex digits, else -1 ({@link Character#digit} would also take other scripts' digits). */
    private static int hexGroup(String piece) {
        if (piece.isEmpty() || piece.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            int digit = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                    : -1;
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static void put(byte[] bytes, int group, List<Integer> groups) {
        for (int value : groups) {
            bytes[2 * group] = (byte) (value >> 8);
            bytes[2 * group + 1] = (byte) value;
            group++;
        }
    }
}

package nodecast.stream;

/**
 * Checks that bytes are UTF-8, as they arrive, a byte at a time, so a text message may be checked
 * across any number of frames and reads without being kept (RFC 6455, 8.1: a text message that is
 * not valid UTF-8 fails the connection). Overlong forms, surrogates and code points past U+10FFFF
 * are refused, as RFC 3629 says.
 */
final class Utf8Check {
    /** Continuation bytes the current character still needs. */
    private int needed;
    /** The range the next continuation byte must fall in: narrower right after some leading bytes. */
    private int lowest = 0x80;
    private int highest = 0xBF;

    /** False if {@code b} cannot stand where it does in UTF-8. */
    boolean accepts(byte b) {
        int c = b & 0xFF;
        if (needed > 0) {
            if (c < lowest || c > highest) {
                return false;
            }
            needed--;
            lowest = 0x80;
            highest = 0xBF;
            return true;
        }
        if (c < 0x80) {
            return true;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            needed = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            needed = 2;
            lowest = c == 0xE0 ? 0xA0 : 0x80; // below: an overlong form
            highest = c == 0xED ? 0x9F : 0xBF; // above: a surrogate
        } else if (c >= 0xF0 && c <= 0xF4) {
            needed = 3;
            lowest = c == 0xF0 ? 0x90 : 0x80; // below: an overlong form
            highest = c == 0xF4 ? 0x8F : 0xBF; // above: past U+10FFFF
        } else {
            return false;
        }
        return true;
    }

    /** Whether the bytes so far end with a whole character: a message must. */
    boolean atCharacterEnd() {
        return needed == 0;
    }
}

package nodecast.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** One broadcast message, as viewers get it in JSON. */
public record Message(long id, String text, String time) {

    /** Millisecond precision, always three digits, so times sort as text and parse in every browser. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static String formatTime(Instant instant) {
        return TIME.format(instant);
    }

    public static Message fromJson(String json) {
        return Json.read(json, Message.class);
    }

    /** A JSON array of messages as a read-only buffer, ready to be written to any number of sockets. */
    public static ByteBuffer encode(List<Message> messages) {
        return ByteBuffer.wrap(Json.write(messages).getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }
}

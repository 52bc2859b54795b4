package nodecast;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The Redis keys of channel {@code default} under the prefix {@code nodecast}, written out as the
 * README gives the layout, for tests that edit Redis as a failover would leave it.
 */
final class DefaultChannelKeys {
    private static final String PARTITION = partitionTag("default");

    static final String SEQ = PARTITION + ":c:default:seq";
    static final String LOG = PARTITION + ":c:default:log";
    static final String LOG_ID = PARTITION + ":c:default:log-id";
    static final String EVENTS = PARTITION + ":events";

    private DefaultChannelKeys() {
    }

    /** What every key of channel {@code name} starts with: its partition's hash tag. */
    static String partitionTag(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return "nodecast:{p" + crc.getValue() % 64 + "}";
    }
}

package nodecast.log;

import java.util.regex.Pattern;

/**
 * The name of one broadcast: 1 to 64 characters of {@code A-Z a-z 0-9 . _ ~ -}, the characters a
 * URL path segment carries unescaped, and never {@code .} or {@code ..}, which a path would
 * resolve away. A channel's ids, log and retention are its own.
 */
public record ChannelName(String value) {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    /** The channel the unprefixed endpoints serve. */
    public static final ChannelName DEFAULT = new ChannelName("default");

    public ChannelName {
        if (!ALLOWED.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("a channel name is 1 to 64 characters of A-Z a-z 0-9 . _ ~ -, and not . or ..");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}

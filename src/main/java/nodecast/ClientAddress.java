package nodecast;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The address a publish counts against for the rate limit: the peer, unless the peer is one of
 * the operator's proxies, which name the client in {@code X-Forwarded-For}. The header is believed
 * only from those proxies; from anyone else it would let a client pick its own address.
 */
final class ClientAddress {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    /**
     * A valid dotted IPv4 address, or something with a colon (which Java parses as IPv6 or
     * refuses): anything else, even {@code 10.0.0.256}, {@link InetAddress} would look up as a
     * host name, blocking the IO thread on DNS for a client's header.
     */
    private static final Pattern LITERAL = Pattern.compile(OCTET + "(\\." + OCTET + "){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    private final Set<String> trustedProxies;

    /** {@code trustedProxies}: addresses in {@link #normal} form. */
    ClientAddress(Set<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    String of(HttpServerExchange exchange) {
        String peer = exchange.getSourceAddress().getAddress().getHostAddress();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        // Each proxy appends the address it saw, so the client is the rightmost hop that is not ours.
        List<String> hops = new ArrayList<>();
        HeaderValues headers = exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
        for (String header : headers == null ? List.<String>of() : headers) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = normal(hops.get(i));
            if (hop == null) {
                return peer; // a garbled header: count the proxy rather than trust the rest of it
            }
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** The address in Java's canonical text form, or null if {@code text} is not an IP literal. */
    static String normal(String text) {
        if (!LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

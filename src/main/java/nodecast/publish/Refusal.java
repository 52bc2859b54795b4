package nodecast.publish;

import io.undertow.util.HttpString;

/**
 * Why a publish or clear is refused: the status, the reason the client is told, the one header
 * the status calls for if any ({@code Retry-After}, {@code WWW-Authenticate}), and whether the
 * connection must close because the rest of the request cannot be trusted or was not read.
 */
record Refusal(int status, String reason, HttpString header, String headerValue, boolean closesConnection) {

    Refusal(int status, String reason) {
        this(status, reason, null, null, false);
    }

    Refusal with(HttpString name, String value) {
        return new Refusal(status, reason, name, value, closesConnection);
    }

    Refusal closingConnection() {
        return new Refusal(status, reason, header, headerValue, true);
    }
}

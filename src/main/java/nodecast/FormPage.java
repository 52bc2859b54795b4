package nodecast;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The publisher form ({@code web/message-form.html}), with a notice of what the last post did. */
final class FormPage {
    private static final String NOTICE_SLOT = "<!-- notice -->";
    private final String template;

    FormPage() {
        try (InputStream in = FormPage.class.getResourceAsStream("/web/message-form.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!template.contains(NOTICE_SLOT)) {
            throw new IllegalStateException("message-form.html has no " + NOTICE_SLOT);
        }
    }

    String render() {
        return template.replace(NOTICE_SLOT, "");
    }

    String withNotice(String notice) {
        return template.replace(NOTICE_SLOT, "<p class=\"notice\" role=\"status\">" + escape(notice) + "</p>");
    }

    String withError(String error) {
        return template.replace(NOTICE_SLOT, "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}

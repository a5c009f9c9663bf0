package io.homeostat.service.resources;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers by itself — a URI it cannot decode (400), one too long (414), headers too
 * large (431), nothing mapped — in the API's one error shape, {@code {"code": N, "message": "..."}},
 * instead of an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int code, String message) {
        String explained = switch (code) {
            case 414 -> "the request URI is longer than this server accepts; send large input in a POST body";
            case 431 -> "the request's headers are larger than this server accepts";
            case 404 -> "no such endpoint; the API is under /api/v1 (see /api/v1/openapi.json)";
            case 400 -> message == null || message.isBlank() || message.equals(HttpStatus.getMessage(code))
                    ? "the request cannot be parsed: check the URI's %-escapes, the query string and the headers"
                    : "the request cannot be parsed: " + message;
            default -> message == null || message.isBlank() ? HttpStatus.getMessage(code) : HttpStatus.getMessage(code) + ": " + message;
        };
        String json = "{\"code\":" + code + ",\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(explained)) + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }
}

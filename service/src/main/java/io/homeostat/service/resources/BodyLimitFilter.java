package io.homeostat.service.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies larger than {@code intake.maxRequestBody}: 413 before anything is read when the
 * client declares the length, and as soon as the limit is crossed when it streams without one.
 * Without it a 50 MB body was read whole.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class BodyLimitFilter implements ContainerRequestFilter {
    private final long maxBytes;

    public BodyLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            throw tooLarge();
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Bounded(request.getEntityStream()));
        }
    }

    private WebApplicationException tooLarge() {
        String message = "the request body is larger than " + maxBytes + " bytes (intake.maxRequestBody); split it";
        return new WebApplicationException(message, Response.status(413).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(413, message)).build());
    }

    private final class Bounded extends FilterInputStream {
        private long read;

        Bounded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws IOException {
            read += n;
            if (read > maxBytes) {
                // An IOException, not the WebApplicationException itself: Jackson wraps runtime exceptions
                // thrown while it binds a body (which made this a 400), but passes I/O errors through.
                throw new TooLarge(tooLarge());
            }
        }
    }

    /** The body passed the limit while it was being read; mapped to the 413 it carries. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient WebApplicationException answer;

        TooLarge(WebApplicationException answer) {
            super(answer.getMessage());
            this.answer = answer;
        }

        public Response response() {
            return answer.getResponse();
        }
    }

    /** Maps {@link TooLarge}, wherever the reading of the body was when it crossed the limit. */
    public static final class TooLargeMapper implements jakarta.ws.rs.ext.ExceptionMapper<TooLarge> {
        @Override
        public Response toResponse(TooLarge exception) {
            return exception.response();
        }
    }
}

package dev.fleetpress.localcloud.s3;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.domain.BlobMetadata;

/**
 * The Jetty handler LocalS3 puts in front of S3Proxy's own. It adds what S3Proxy lacks for writes:
 * <ul>
 *   <li>every key-changing request runs under that key's lock, so a check and the write it guards are
 *       one atomic step for this process;</li>
 *   <li>{@code If-None-Match: *} and {@code If-Match} on PutObject, CopyObject and CompleteMultipartUpload
 *       are evaluated inside that lock, answering 412 / 404 / 501 as S3 does without touching the object;</li>
 *   <li>after a successful creation, still inside the lock, the stored size and ETag are read back and
 *       handed to the {@link Notifier};</li>
 *   <li>GET and HEAD of a key take that key's lock too, so a read never sees an object half replaced
 *       (S3Proxy's filesystem store writes the bytes before the attributes that hold the ETag).</li>
 * </ul>
 * Racing conditional writers to one key therefore queue: the first one wins and the others see the
 * object it wrote and answer 412 (never S3's alternative, 409 ConditionalRequestConflict).
 *
 * <p>Conditions are evaluated before S3Proxy verifies the signature, so a badly signed conditional write
 * whose condition fails gets 412 where S3 would answer 403. Loopback-only and with public local
 * credentials, this reveals nothing worth protecting.
 */
final class WriteGate extends HandlerWrapper {
    private static final System.Logger LOG = System.getLogger(WriteGate.class.getName());

    private final BlobStore blobStore;
    private final Notifier notifier;
    private final KeyLocks locks = new KeyLocks();

    WriteGate(BlobStore blobStore, Notifier notifier) {
        this.blobStore = blobStore;
        this.notifier = notifier;
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Optional<KeyWrite> recognised = KeyWrite.recognise(request.getMethod(), baseRequest.getRequestURI(),
                baseRequest.getQueryString(), request.getHeader("x-amz-copy-source"));
        if (recognised.isEmpty()) {
            Optional<String> read = KeyWrite.objectRead(request.getMethod(), baseRequest.getRequestURI());
            if (read.isEmpty()) {
                super.handle(target, baseRequest, request, response);
                return;
            }
            locks.lock(read.get());
            try {
                super.handle(target, baseRequest, request, response);
            } finally {
                locks.unlock(read.get());
            }
            return;
        }
        KeyWrite write = recognised.get();
        String lockKey = write.bucket() + "/" + write.key();
        locks.lock(lockKey);
        try {
            Optional<S3Error> refused = write.kind().createsObject()
                    ? refusal(write, new WriteConditions(request.getHeader("If-Match"), request.getHeader("If-None-Match")))
                    : Optional.empty();
            if (refused.isPresent()) {
                send(refused.get(), baseRequest, request, response);
                return;
            }
            super.handle(target, baseRequest, request, response);
            if (write.kind().createsObject() && response.getStatus() == HttpServletResponse.SC_OK) {
                announce(write, request.getRemoteAddr());
            }
        } finally {
            locks.unlock(lockKey);
        }
    }

    private Optional<S3Error> refusal(KeyWrite write, WriteConditions conditions) {
        if (!conditions.any()) {
            return Optional.empty();
        }
        BlobMetadata current;
        try {
            current = blobStore.blobMetadata(write.bucket(), write.key());
        } catch (ContainerNotFoundException e) {
            // Let S3Proxy answer NoSuchBucket, as S3 does before looking at conditions.
            return Optional.empty();
        }
        return conditions.check(write.key(), current != null, current == null ? "" : current.getETag());
    }

    /**
     * Describes the stored object to the notifier. The object is written by now, so nothing here may fail
     * the response: a client retrying a conditional write that answered 500 would get 412 for its own object.
     */
    private void announce(KeyWrite write, String sourceIp) {
        try {
            if (!notifier.wants(write.kind().eventName(), write.bucket(), write.key())) {
                return;
            }
            BlobMetadata stored = blobStore.blobMetadata(write.bucket(), write.key());
            if (stored == null) {
                // A multi-object delete, which is not serialised per key, removed it already.
                return;
            }
            notifier.objectCreated(write.kind().eventName(), write.bucket(), write.key(),
                    stored.getContentMetadata().getContentLength(), WriteConditions.unquote(stored.getETag()), sourceIp);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "no S3 notification for s3://" + write.bucket() + "/" + write.key()
                    + ": reading back the stored object failed: " + e, e);
        }
    }

    /**
     * Answers an error after reading the request body, as S3 does: it evaluates write conditions when the
     * upload completes. Answering before the body would also deny the SDK's URLConnection client the
     * error code, since it cannot read a final response sent instead of {@code 100 Continue}.
     */
    private static void send(S3Error error, Request baseRequest, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        try (InputStream body = request.getInputStream()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        String requestId = String.format("%016X", ThreadLocalRandom.current().nextLong());
        byte[] xml = error.toXml(requestId, "localcloud").getBytes(StandardCharsets.UTF_8);
        response.setStatus(error.status());
        response.setContentType("application/xml");
        response.setHeader("x-amz-request-id", requestId);
        response.setContentLength(xml.length);
        response.getOutputStream().write(xml);
        baseRequest.setHandled(true);
    }
}

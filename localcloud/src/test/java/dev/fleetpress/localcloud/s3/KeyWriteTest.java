package dev.fleetpress.localcloud.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.s3.KeyWrite.Kind;
import org.junit.jupiter.api.Test;

class KeyWriteTest {

    @Test
    void recognise_whenPutWithEncodedKey_decodesKeyAsS3ProxyDoes() {
        assertThat(KeyWrite.recognise("PUT", "/media/a%20b%2Bc/%C3%BC.jpg", "x-id=PutObject", null))
                .contains(new KeyWrite(Kind.PUT, "media", "a b+c/ü.jpg"));
    }

    @Test
    void recognise_whenPutHasCopySource_isCopy() {
        assertThat(KeyWrite.recognise("PUT", "/media/to", null, "/media/from"))
                .contains(new KeyWrite(Kind.COPY, "media", "to"));
    }

    @Test
    void recognise_whenPostHasUploadId_isCompleteMultipartUpload() {
        assertThat(KeyWrite.recognise("POST", "/media/big", "uploadId=abc", null))
                .contains(new KeyWrite(Kind.COMPLETE_MULTIPART_UPLOAD, "media", "big"));
    }

    @Test
    void recognise_whenPutIsUploadPart_isNotAKeyWrite() {
        assertThat(KeyWrite.recognise("PUT", "/media/big", "partNumber=1&uploadId=abc", null)).isEmpty();
    }

    @Test
    void recognise_whenPostInitiatesUpload_isNotAKeyWrite() {
        assertThat(KeyWrite.recognise("POST", "/media/big", "uploads", null)).isEmpty();
    }

    @Test
    void recognise_whenPutCreatesBucket_isNotAKeyWrite() {
        assertThat(KeyWrite.recognise("PUT", "/media", null, null)).isEmpty();
    }

    @Test
    void recognise_whenPutSetsAcl_isNotAKeyWrite() {
        assertThat(KeyWrite.recognise("PUT", "/media/k", "acl", null)).isEmpty();
    }

    @Test
    void objectRead_whenGetOrHeadOfAKey_namesTheKeysLock() {
        assertThat(KeyWrite.objectRead("GET", "/media/a%20b/%C3%BC.jpg")).contains("media/a b/ü.jpg");
        assertThat(KeyWrite.objectRead("HEAD", "/media/k")).contains("media/k");
    }

    @Test
    void objectRead_whenABucketRequestOrAWrite_isEmpty() {
        assertThat(KeyWrite.objectRead("GET", "/media")).isEmpty();
        assertThat(KeyWrite.objectRead("GET", "/media/")).isEmpty();
        assertThat(KeyWrite.objectRead("PUT", "/media/k")).isEmpty();
    }
}

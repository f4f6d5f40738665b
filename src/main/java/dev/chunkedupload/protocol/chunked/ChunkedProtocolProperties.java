package dev.chunkedupload.protocol.chunked;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the django-chunked-upload protocol, beside the core's under the same
 * prefix, as the original had them.
 *
 * @param failIfNoHeader whether a chunk without {@code Content-Range} is refused instead
 * of being taken as the whole file
 * @param md5Check whether completion requires the client's MD5 and compares it
 * @param fileField the multipart field that carries the chunk (the django demo uses
 * {@code the_file})
 */
@Validated
@ConfigurationProperties("chunked-upload")
record ChunkedProtocolProperties(@DefaultValue("false") boolean failIfNoHeader, @DefaultValue("true") boolean md5Check,
		@DefaultValue("file") @NotBlank String fileField) {

}

package dev.chunkedupload.upload.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the upload core. Where the bytes live and how they are made durable are the
 * store's settings ({@code chunked-upload.storage.*}).
 *
 * @param partialPath the storage key of an upload's bytes while it is incomplete;
 * placeholders {@code {yyyy}}, {@code {MM}}, {@code {dd}} (creation date, UTC) and
 * {@code {upload_id}} (required)
 * @param completePath the storage key of a completed upload's file, with the same
 * placeholders (creation date)
 * @param expiration how long an incomplete upload may stay idle, counted from its last
 * accepted chunk
 * @param maxBytes the largest upload accepted
 * @param maxChunkSize the largest single chunk (request body) accepted
 * @param bufferSize the size of the buffer that carries bytes from the request to the
 * store and the hash
 * @param leaseDuration how long a writer holds an upload without renewing its lease; a
 * lease left by a dead instance is free again after this time
 * @param sweepInterval how often expired uploads are looked for
 */
@Validated
@ConfigurationProperties("chunked-upload")
public record UploadProperties(@DefaultValue(DEFAULT_PARTIAL_PATH) @Pattern(regexp = PATH_PATTERN) String partialPath,
		@DefaultValue(DEFAULT_COMPLETE_PATH) @Pattern(regexp = PATH_PATTERN) String completePath,
		@DefaultValue("24h") @NotNull Duration expiration, @DefaultValue("50GB") @NotNull DataSize maxBytes,
		@DefaultValue("512MB") @NotNull DataSize maxChunkSize, @DefaultValue("256KB") @NotNull DataSize bufferSize,
		@DefaultValue("60s") @NotNull Duration leaseDuration, @DefaultValue("5m") @NotNull Duration sweepInterval) {

	public static final String DEFAULT_PARTIAL_PATH = "chunked_uploads/{yyyy}/{MM}/{dd}/{upload_id}.part";

	public static final String DEFAULT_COMPLETE_PATH = "uploads/{yyyy}/{MM}/{dd}/{upload_id}";

	/** Relative, no "..", and naming the upload id so two uploads never share a file. */
	public static final String PATH_PATTERN = "^(?!.*\\.\\.)(?!/)[A-Za-z0-9_.{}/\\-]*\\{upload_id\\}[A-Za-z0-9_.{}/\\-]*$";

	/**
	 * The key of an upload's bytes while it is incomplete.
	 * @param created when the upload was created
	 * @param uploadId the upload
	 * @return the storage key
	 */
	public String partialKey(Instant created, String uploadId) {
		return storageKey(this.partialPath, created, uploadId);
	}

	/**
	 * The key of a completed upload's file. Derived from the creation date, so a
	 * completion that died before it was recorded finds the same key when it is retried.
	 * @param created when the upload was created
	 * @param uploadId the upload
	 * @return the storage key
	 */
	public String completeKey(Instant created, String uploadId) {
		return storageKey(this.completePath, created, uploadId);
	}

	/**
	 * Fill in a path pattern's placeholders.
	 * @param pattern a pattern matching {@link #PATH_PATTERN}
	 * @param date the date for {@code {yyyy}}, {@code {MM}} and {@code {dd}} (UTC)
	 * @param uploadId the upload
	 * @return the storage key
	 */
	public static String storageKey(String pattern, Instant date, String uploadId) {
		ZonedDateTime utc = date.atZone(ZoneOffset.UTC);
		return pattern.replace("{yyyy}", String.format("%04d", utc.getYear()))
			.replace("{MM}", String.format("%02d", utc.getMonthValue()))
			.replace("{dd}", String.format("%02d", utc.getDayOfMonth()))
			.replace("{upload_id}", uploadId);
	}

}

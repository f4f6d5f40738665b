package dev.chunkedupload.upload;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the upload core.
 *
 * @param dataDir the directory under which all bytes are stored
 * @param partialPath where an upload's bytes go while it is incomplete, relative to the
 * data directory; placeholders {@code {yyyy}}, {@code {MM}}, {@code {dd}} (creation date,
 * UTC) and {@code {upload_id}} (required)
 * @param completePath where a completed upload's file is moved, with the same
 * placeholders (completion date)
 * @param expiration how long an incomplete upload may stay idle, counted from its last
 * accepted chunk
 * @param maxBytes the largest upload accepted
 * @param maxChunkSize the largest single chunk (request body) accepted
 * @param fsync whether a chunk is forced to the device before it is acknowledged
 * @param flushEvery how many bytes of a chunk may wait in the page cache before a
 * background flush starts, so that the disk writes while the network delivers
 * @param bufferSize the size of the buffer that carries bytes from the request to the
 * file and the hash
 * @param leaseDuration how long a writer holds an upload without renewing its lease; a
 * lease left by a dead instance is free again after this time
 * @param sweepInterval how often expired uploads are looked for
 * @param directIoBuffer appended bytes are gathered in buffers of this size (a multiple
 * of 4 KB) and written with {@code O_DIRECT}, bypassing the page cache; {@code 0} writes
 * through the page cache instead
 */
@Validated
@ConfigurationProperties("chunked-upload")
public record UploadProperties(@DefaultValue("./data") @NotNull Path dataDir,
		@DefaultValue(DEFAULT_PARTIAL_PATH) @Pattern(regexp = PATH_PATTERN) String partialPath,
		@DefaultValue(DEFAULT_COMPLETE_PATH) @Pattern(regexp = PATH_PATTERN) String completePath,
		@DefaultValue("24h") @NotNull Duration expiration, @DefaultValue("50GB") @NotNull DataSize maxBytes,
		@DefaultValue("512MB") @NotNull DataSize maxChunkSize, @DefaultValue("true") boolean fsync,
		@DefaultValue("4MB") @NotNull DataSize flushEvery, @DefaultValue("256KB") @NotNull DataSize bufferSize,
		@DefaultValue("60s") @NotNull Duration leaseDuration, @DefaultValue("5m") @NotNull Duration sweepInterval,
		@DefaultValue("1MB") @NotNull DataSize directIoBuffer) {

	static final String DEFAULT_PARTIAL_PATH = "chunked_uploads/{yyyy}/{MM}/{dd}/{upload_id}.part";

	static final String DEFAULT_COMPLETE_PATH = "uploads/{yyyy}/{MM}/{dd}/{upload_id}";

	/** Relative, no "..", and naming the upload id so two uploads never share a file. */
	static final String PATH_PATTERN = "^(?!.*\\.\\.)(?!/)[A-Za-z0-9_.{}/\\-]*\\{upload_id\\}[A-Za-z0-9_.{}/\\-]*$";

}

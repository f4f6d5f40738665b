package dev.chunkedupload.storage;

import java.nio.file.Path;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Where the bytes live ({@code chunked-upload.storage.*}).
 *
 * @param type which store holds the bytes
 * @param filesystem settings of the file-system store
 */
@Validated
@ConfigurationProperties("chunked-upload.storage")
public record StorageProperties(@DefaultValue("filesystem") @NotNull Type type,
		@DefaultValue @Valid @NotNull Filesystem filesystem) {

	/** The kinds of store. */
	public enum Type {

		/** Files under a directory on a local or shared file system. */
		FILESYSTEM

	}

	/**
	 * Settings of the file-system store. {@code application.yml} defaults each to the
	 * property it had before the storage settings moved here
	 * ({@code chunked-upload.data-dir}, {@code chunked-upload.fsync}, ...), so existing
	 * configurations keep working.
	 *
	 * @param root the directory under which all bytes are stored
	 * @param fsync whether a piece is forced to the device before it is acknowledged
	 * @param flushEvery how many bytes of a piece may wait in the page cache before a
	 * background flush starts, so that the disk writes while the network delivers
	 * @param directIoBuffer appended bytes are gathered in buffers of this size (a
	 * multiple of 4 KB) and written with {@code O_DIRECT}, bypassing the page cache;
	 * {@code 0} writes through the page cache instead
	 */
	public record Filesystem(@DefaultValue("./data") @NotNull Path root, @DefaultValue("true") boolean fsync,
			@DefaultValue("4MB") @NotNull DataSize flushEvery, @DefaultValue("1MB") @NotNull DataSize directIoBuffer) {

	}

}

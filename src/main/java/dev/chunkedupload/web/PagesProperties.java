package dev.chunkedupload.web;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the browser pages.
 *
 * @param chunkSize the size of the chunks the pages send (the upload page, the flow.js
 * page, the upload-field widget of forms), capped at the core's {@code max-chunk-size};
 * larger chunks cost fewer requests, smaller ones lose less when a connection breaks
 * @param parallelUploads how many files the upload page sends at the same time; the
 * others wait their turn
 * @param adminPageRows how many uploads the admin page lists at most, newest first
 */
@Validated
@ConfigurationProperties("chunked-upload.web")
record PagesProperties(@DefaultValue("16MB") @NotNull DataSize chunkSize,
		@DefaultValue("3") @Min(1) @Max(6) int parallelUploads, @DefaultValue("500") @Min(1) int adminPageRows) {

	@AssertTrue(message = "chunk-size must be at least 1 byte")
	boolean isChunkSizePositive() {
		return this.chunkSize == null || this.chunkSize.toBytes() > 0;
	}

}

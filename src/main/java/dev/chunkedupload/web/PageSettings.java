package dev.chunkedupload.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.chunkedupload.upload.model.UploadProperties;

import org.springframework.stereotype.Component;

/**
 * What every page's template may need from the server, as {@code @pageSettings}: the
 * chunk size the browser sends (the upload page, the upload-field widget, the flow.js
 * page), and sizes and times for people.
 */
@Component("pageSettings")
public class PageSettings {

	private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final long chunkSize;

	private final int parallelUploads;

	PageSettings(PagesProperties pages, UploadProperties uploads) {
		// A chunk the core would refuse with 413 is of no use to anybody. The scripts
		// send the last chunk no larger than the others (forceChunkSize), so the cap
		// holds for it too.
		this.chunkSize = Math.min(pages.chunkSize().toBytes(), uploads.maxChunkSize().toBytes());
		this.parallelUploads = pages.parallelUploads();
	}

	/**
	 * The size of the chunks the pages send.
	 * @return {@code chunked-upload.web.chunk-size}, at most the core's
	 * {@code max-chunk-size}
	 */
	public long chunkSize() {
		return this.chunkSize;
	}

	public String chunkSizeText() {
		return Sizes.human(this.chunkSize);
	}

	/**
	 * How many files a page sends at the same time.
	 * @return {@code chunked-upload.web.parallel-uploads}
	 */
	public int parallelUploads() {
		return this.parallelUploads;
	}

	/**
	 * A byte count in binary units, e.g. {@code 5.00 MiB}.
	 * @param bytes the count
	 * @return the text
	 */
	public String bytes(long bytes) {
		return Sizes.human(bytes);
	}

	/**
	 * A time as the pages show it before their script turns it into the browser's time
	 * zone.
	 * @param instant the time, may be {@code null}
	 * @return e.g. {@code 2026-11-21 10:15:00 UTC}, or an empty string
	 */
	public String utc(Instant instant) {
		return (instant != null) ? UTC.format(instant) : "";
	}

}

package dev.chunkedupload.documents;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A document: what the user typed, and the upload that holds its file. The file's name,
 * size and MD5 are copied so the list does not need the upload.
 */
@Entity
@Table(name = "document")
public class Document {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String owner;

	private String title;

	private String description;

	private String uploadId;

	private String filename;

	private long size;

	private String md5;

	private Instant createdAt;

	protected Document() {
	}

	Document(String owner, String title, String description, String uploadId, String filename, long size, String md5,
			Instant createdAt) {
		this.owner = owner;
		this.title = title;
		this.description = description;
		this.uploadId = uploadId;
		this.filename = filename;
		this.size = size;
		this.md5 = md5;
		this.createdAt = createdAt;
	}

	public Long getId() {
		return this.id;
	}

	public String getOwner() {
		return this.owner;
	}

	public String getTitle() {
		return this.title;
	}

	public String getDescription() {
		return this.description;
	}

	public String getUploadId() {
		return this.uploadId;
	}

	public String getFilename() {
		return this.filename;
	}

	public long getSize() {
		return this.size;
	}

	public String getMd5() {
		return this.md5;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}

package dev.chunkedupload.upload.concat;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * One entry in the ordered list of partial uploads that a final upload is built from.
 * Kept apart from {@link ChunkedUpload} so that loading an upload, which every chunk does
 * several times, never loads a list that only final uploads have.
 */
@Entity
@IdClass(UploadPart.Key.class)
@Table(name = "upload_part")
public class UploadPart {

	@Id
	@Column(name = "final_id", length = 32)
	private String finalId;

	@Id
	@Column(name = "part_number")
	private int partNumber;

	@Column(name = "part_id", length = 32)
	private String partId;

	protected UploadPart() {
	}

	public UploadPart(String finalId, int partNumber, String partId) {
		this.finalId = finalId;
		this.partNumber = partNumber;
		this.partId = partId;
	}

	public String getFinalId() {
		return this.finalId;
	}

	public int getPartNumber() {
		return this.partNumber;
	}

	public String getPartId() {
		return this.partId;
	}

	/** The primary key: a final upload and a position in its list. */
	static class Key implements Serializable {

		private String finalId;

		private int partNumber;

		Key() {
		}

		Key(String finalId, int partNumber) {
			this.finalId = finalId;
			this.partNumber = partNumber;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key key && key.partNumber == this.partNumber
					&& Objects.equals(key.finalId, this.finalId);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.finalId, this.partNumber);
		}

	}

}

package dev.chunkedupload.faults;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Arrays;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;

import static dev.chunkedupload.testsupport.ServerTestSupport.md5;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file sent in two halves over one protocol, as that protocol's clients send it, so a
 * fault test can break the second half and then check, in the protocol's own terms, what
 * the server kept and that the upload resumes.
 */
final class TwoPieceUpload {

	enum Protocol {

		CHUNKED, RESUMABLE, TUS, RUFH

	}

	private final HttpTestClient client;

	private final Protocol protocol;

	private final byte[] file;

	private final int half;

	private String path;

	private String id;

	TwoPieceUpload(HttpTestClient client, Protocol protocol, byte[] file) {
		this.client = client;
		this.protocol = protocol;
		this.file = file;
		this.half = file.length / 2;
	}

	/**
	 * An upload that an earlier server process created, continued against another.
	 * @param client the client of the server now running
	 * @param protocol the protocol it was created with
	 * @param file the whole file
	 * @param id its upload id
	 * @return the upload, as after {@link #sendFirst()}
	 */
	static TwoPieceUpload resumed(HttpTestClient client, Protocol protocol, byte[] file, String id) {
		TwoPieceUpload upload = new TwoPieceUpload(client, protocol, file);
		upload.id = id;
		upload.path = switch (protocol) {
			case TUS -> "/api/tus/" + id;
			case RUFH -> "/api/rufh/" + id;
			default -> null;
		};
		return upload;
	}

	String id() {
		return this.id;
	}

	int half() {
		return this.half;
	}

	/** Create the upload with the first half, as the protocol does; expects success. */
	void sendFirst() {
		byte[] first = Arrays.copyOfRange(this.file, 0, this.half);
		Response response = switch (this.protocol) {
			case CHUNKED -> this.client.rawChunk(null, range(0, this.half), first, "fault.bin");
			case RESUMABLE -> resumableChunk(1, first);
			case TUS -> {
				Response created = this.client.send(this.client.request("/api/tus")
					.header("Tus-Resumable", "1.0.0")
					.header("Upload-Length", String.valueOf(this.file.length))
					.POST(BodyPublishers.noBody()));
				assertThat(created.status()).as(created.text()).isEqualTo(201);
				this.path = URI.create(created.header("Location")).getPath();
				yield tusPatch(0, first);
			}
			case RUFH -> this.client.send(this.client.request("/api/rufh")
				.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?0")
				.header("Content-Type", "application/octet-stream")
				.POST(BodyPublishers.ofByteArray(first)));
		};
		assertThat(response.status()).as(response.text()).isBetween(200, 204);
		if (this.protocol == Protocol.CHUNKED || this.protocol == Protocol.RESUMABLE) {
			this.id = response.json().get("upload_id").asString();
		}
		else {
			if (this.protocol == Protocol.RUFH) {
				this.path = URI.create(response.header("Location")).getPath();
			}
			this.id = this.path.substring(this.path.lastIndexOf('/') + 1);
		}
	}

	/**
	 * Send the second half, the last bytes of the file; returns whatever the server says.
	 */
	Response sendSecond() {
		return sendSecond(BodyPublishers.ofByteArray(secondHalf()));
	}

	/**
	 * Send the second half from a body the test controls (one that stalls, say).
	 * @param body exactly the second half's bytes
	 * @return whatever the server says
	 */
	Response sendSecond(HttpRequest.BodyPublisher body) {
		int length = this.file.length - this.half;
		HttpRequest.Builder request = switch (this.protocol) {
			case CHUNKED -> this.client.request("/api/chunked-upload?upload_id=" + this.id)
				.header("Content-Type", "application/octet-stream")
				.header("Content-Range", range(this.half, length))
				.POST(body);
			case RESUMABLE -> this.client.request("/api/resumable?" + resumableQuery(2, length))
				.header("Content-Type", "application/octet-stream")
				.POST(body);
			case TUS -> this.client.request(this.path)
				.header("Tus-Resumable", "1.0.0")
				.header("Content-Type", "application/offset+octet-stream")
				.header("Upload-Offset", String.valueOf(this.half))
				.method("PATCH", body);
			case RUFH -> this.client.request(this.path)
				.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?1")
				.header("Content-Type", "application/partial-upload")
				.header("Upload-Offset", String.valueOf(this.half))
				.method("PATCH", body);
		};
		return this.client.send(request);
	}

	/**
	 * The request line and headers of the second half, for a test that writes the request
	 * by hand on a socket.
	 * @return the request line, then header lines
	 */
	String[] secondHead() {
		int length = this.file.length - this.half;
		String size = "Content-Length: " + length;
		return switch (this.protocol) {
			case CHUNKED -> new String[] { "POST /api/chunked-upload?upload_id=" + this.id + " HTTP/1.1",
					"Content-Type: application/octet-stream", "Content-Range: " + range(this.half, length), size };
			case RESUMABLE -> new String[] { "POST /api/resumable?" + resumableQuery(2, length) + " HTTP/1.1",
					"Content-Type: application/octet-stream", size };
			case TUS -> new String[] { "PATCH " + this.path + " HTTP/1.1", "Tus-Resumable: 1.0.0",
					"Content-Type: application/offset+octet-stream", "Upload-Offset: " + this.half, size };
			case RUFH -> new String[] { "PATCH " + this.path + " HTTP/1.1", "Upload-Draft-Interop-Version: 9",
					"Upload-Complete: ?1", "Content-Type: application/partial-upload", "Upload-Offset: " + this.half,
					size };
		};
	}

	/**
	 * Send the file from {@code offset} to its end, for protocols that resume from any
	 * offset (tus, the draft).
	 * @param offset where the server says the upload stands
	 * @return whatever the server says
	 */
	Response sendFrom(long offset) {
		byte[] rest = Arrays.copyOfRange(this.file, (int) offset, this.file.length);
		HttpRequest.Builder request = this.client.request(this.path)
			.header("Upload-Offset", String.valueOf(offset))
			.method("PATCH", BodyPublishers.ofByteArray(rest));
		if (this.protocol == Protocol.TUS) {
			request.header("Tus-Resumable", "1.0.0").header("Content-Type", "application/offset+octet-stream");
		}
		else {
			request.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?1")
				.header("Content-Type", "application/partial-upload");
		}
		return this.client.send(request);
	}

	byte[] secondHalf() {
		return Arrays.copyOfRange(this.file, this.half, this.file.length);
	}

	/**
	 * What the protocol's client does after a failed second half: resumable.js and
	 * flow.js send the chunk again; the others ask where the upload stands (tus and the
	 * draft with {@code HEAD}, which also finishes a completion that failed) and send the
	 * second half again if it is missing. Expects success.
	 */
	void resume() {
		if (this.protocol == Protocol.RESUMABLE || acknowledged() < this.file.length) {
			Response resent = sendSecond();
			assertThat(resent.status()).as(resent.text()).isBetween(200, 204);
		}
		else if (this.protocol == Protocol.RUFH && !"?1".equals(rufhHead().header("Upload-Complete"))) {
			// Every byte is there but the upload is not complete: the draft's client says
			// so again with an empty append.
			Response completed = this.client.send(this.client.request(this.path)
				.header("Upload-Draft-Interop-Version", "9")
				.header("Upload-Complete", "?1")
				.header("Content-Type", "application/partial-upload")
				.header("Upload-Offset", String.valueOf(this.file.length))
				.method("PATCH", BodyPublishers.noBody()));
			assertThat(completed.status()).as(completed.text()).isEqualTo(204);
		}
	}

	private Response rufhHead() {
		return this.client.send(this.client.request(this.path)
			.header("Upload-Draft-Interop-Version", "9")
			.method("HEAD", BodyPublishers.noBody()));
	}

	/** The bytes the server says it has, asked the way the protocol's clients ask. */
	long acknowledged() {
		return switch (this.protocol) {
			case CHUNKED -> this.client.get("/api/chunked-upload/" + this.id).json().get("offset").asLong();
			case RESUMABLE -> (stored(1) ? this.half : 0) + (stored(2) ? this.file.length - this.half : 0);
			case TUS -> Long.parseLong(
					this.client
						.send(this.client.request(this.path)
							.header("Tus-Resumable", "1.0.0")
							.method("HEAD", BodyPublishers.noBody()))
						.header("Upload-Offset"));
			case RUFH -> Long.parseLong(
					this.client
						.send(this.client.request(this.path)
							.header("Upload-Draft-Interop-Version", "9")
							.method("HEAD", BodyPublishers.noBody()))
						.header("Upload-Offset"));
		};
	}

	/**
	 * Retry the completion as a client does while the upload is busy (409 or 423: a lease
	 * that a dead server held lapses after the lease duration): the chunked protocol's
	 * completion request, the others' offset request, which finishes it.
	 * @param timeout how long at most
	 */
	void completeRetryingWhileBusy(java.time.Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (this.protocol == Protocol.CHUNKED) {
				Response complete = this.client.complete(this.id, md5(this.file));
				assertThat(complete.status()).as(complete.text()).isIn(200, 409);
				if (complete.status() == 200) {
					return;
				}
			}
			else {
				acknowledged();
				if ("complete".equals(this.client.get("/api/uploads/" + this.id).json().get("status").asString())) {
					return;
				}
			}
			Thread.sleep(500);
		}
		throw new AssertionError("Upload " + this.id + " stayed busy for " + timeout);
	}

	/**
	 * Finish as the protocol does (the chunked protocol's completion with the MD5; the
	 * others complete on their last byte) and check the stored file, byte for byte.
	 */
	void assertCompletes() {
		if (this.protocol == Protocol.CHUNKED) {
			Response complete = this.client.complete(this.id, md5(this.file));
			assertThat(complete.status()).as(complete.text()).isEqualTo(200);
		}
		Response status = this.client.get("/api/uploads/" + this.id);
		assertThat(status.json().get("status").asString()).as(status.text()).isEqualTo("complete");
		assertThat(status.json().get("md5").asString()).isEqualTo(md5(this.file));
		assertThat(this.client.get("/api/uploads/" + this.id + "/content").bytes()).isEqualTo(this.file);
	}

	private String range(int start, int length) {
		return "bytes " + start + "-" + (start + length - 1) + "/" + this.file.length;
	}

	private Response tusPatch(long offset, byte[] bytes) {
		return this.client.send(this.client.request(this.path)
			.header("Tus-Resumable", "1.0.0")
			.header("Content-Type", "application/offset+octet-stream")
			.header("Upload-Offset", String.valueOf(offset))
			.method("PATCH", BodyPublishers.ofByteArray(bytes)));
	}

	private Response resumableChunk(int number, byte[] bytes) {
		HttpRequest.Builder request = this.client.request("/api/resumable?" + resumableQuery(number, bytes.length))
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(bytes));
		return this.client.send(request);
	}

	private boolean stored(int number) {
		int length = (number == 1) ? this.half : this.file.length - this.half;
		return this.client.get("/api/resumable?" + resumableQuery(number, length)).status() == 200;
	}

	private String resumableQuery(int number, int length) {
		return "resumableChunkNumber=" + number + "&resumableChunkSize=" + this.half + "&resumableCurrentChunkSize="
				+ length + "&resumableTotalSize=" + this.file.length + "&resumableTotalChunks=2"
				+ "&resumableIdentifier=fault-" + md5(this.file) + "&resumableFilename=fault.bin";
	}

}

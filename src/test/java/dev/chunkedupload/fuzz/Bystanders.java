package dev.chunkedupload.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.chunkedupload.testsupport.HttpTestClient;
import dev.chunkedupload.testsupport.HttpTestClient.Response;
import dev.chunkedupload.testsupport.ServerTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real uploads in every protocol, some complete and some in flight, made before a fuzz
 * run, and a snapshot of each (its row as the API shows it, and the MD5 of every file the
 * store keeps for it) to compare with after the run.
 */
final class Bystanders {

	private final HttpTestClient client;

	private final List<String> ids = new ArrayList<>();

	private int seed = 1000;

	Bystanders(HttpTestClient client) {
		this.client = client;
	}

	List<String> ids() {
		return this.ids;
	}

	/** One complete and one unfinished upload in each protocol. */
	Bystanders makeEach() {
		chunked(true);
		chunked(false);
		tus(true);
		tus(false);
		rufh(true);
		rufh(false);
		resumable(true);
		resumable(false);
		return this;
	}

	String chunked(boolean complete) {
		byte[] file = bytes(3000);
		Response first = this.client.rawChunk(null, "bytes 0-999/3000", Arrays.copyOfRange(file, 0, 1000), "c.bin");
		assertThat(first.status()).as(first.text()).isEqualTo(200);
		String id = first.json().get("upload_id").asString();
		if (complete) {
			assertThat(this.client.rawChunk(id, "bytes 1000-2999/3000", Arrays.copyOfRange(file, 1000, 3000), null)
				.status()).isEqualTo(200);
			assertThat(this.client.complete(id, ServerTestSupport.md5(file)).status()).isEqualTo(200);
		}
		return add(id);
	}

	String tus(boolean complete) {
		byte[] file = bytes(2500);
		Response created = this.client.send(this.client.request("/api/tus")
			.header("Tus-Resumable", "1.0.0")
			.header("Upload-Length", "2500")
			.header("Upload-Metadata", "filename dC5iaW4=")
			.POST(BodyPublishers.noBody()));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		String location = created.header("Location");
		String path = location.substring(location.indexOf("/api/tus/"));
		int length = complete ? 2500 : 1200;
		assertThat(this.client
			.send(this.client.request(path)
				.header("Tus-Resumable", "1.0.0")
				.header("Upload-Offset", "0")
				.header("Content-Type", "application/offset+octet-stream")
				.method("PATCH", BodyPublishers.ofByteArray(Arrays.copyOf(file, length))))
			.status()).isEqualTo(204);
		return add(path.substring("/api/tus/".length()));
	}

	String rufh(boolean complete) {
		Response created = this.client.send(this.client.request("/api/rufh")
			.header("Upload-Draft-Interop-Version", "9")
			.header("Upload-Complete", complete ? "?1" : "?0")
			.header("Content-Type", "application/octet-stream")
			.POST(BodyPublishers.ofByteArray(bytes(1800))));
		assertThat(created.status()).as(created.text()).isEqualTo(201);
		String location = created.header("Location");
		return add(location.substring(location.indexOf("/api/rufh/") + "/api/rufh/".length()));
	}

	String resumable(boolean complete) {
		byte[] file = bytes(2048 + 700);
		String identifier = "bystander-" + (this.seed++);
		String id = null;
		for (int number = 1; number <= (complete ? 2 : 1); number++) {
			byte[] chunk = (number == 1) ? Arrays.copyOf(file, 1024) : Arrays.copyOfRange(file, 1024, file.length);
			String query = "?resumableChunkNumber=" + number + "&resumableChunkSize=1024&resumableCurrentChunkSize="
					+ chunk.length + "&resumableTotalSize=" + file.length + "&resumableTotalChunks=2"
					+ "&resumableIdentifier=" + identifier + "&resumableFilename=r.bin";
			Response response = this.client.send(this.client.request("/api/resumable" + query)
				.header("Content-Type", "application/octet-stream")
				.POST(BodyPublishers.ofByteArray(chunk)));
			assertThat(response.status()).as(response.text()).isEqualTo(200);
			id = response.json().get("upload_id").asString();
		}
		return add(id);
	}

	/**
	 * Each upload's row as its owner reads it, and the MD5 of each stored file that names
	 * it.
	 */
	Map<String, String> snapshot(Path dataDir) {
		Map<String, String> snapshot = new LinkedHashMap<>();
		for (String id : this.ids) {
			Response row = this.client.get("/api/uploads/" + id);
			snapshot.put(id, row.status() + " " + row.text());
		}
		Map<String, String> files = new TreeMap<>();
		for (Path file : ServerTestSupport.storedFiles(dataDir)) {
			String name = file.getFileName().toString();
			if (this.ids.stream().anyMatch(name::contains)) {
				try {
					files.put(dataDir.relativize(file).toString(), ServerTestSupport.md5(Files.readAllBytes(file)));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}
		snapshot.put("files", files.toString());
		return snapshot;
	}

	private String add(String id) {
		this.ids.add(id);
		return id;
	}

	private byte[] bytes(int length) {
		return ServerTestSupport.randomBytes(length, this.seed++);
	}

}

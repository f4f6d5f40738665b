package dev.chunkedupload.apidocs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * What the wire protocols carry outside of JSON, which springdoc cannot see because their
 * controllers read the raw request: tus's and the draft's headers, resumable.js's
 * parameters, django-chunked-upload's {@code Content-Range} and multipart fields, the
 * binary bodies and the success answers. Every API gets a tag named after its protocol.
 * Operations added later keep what springdoc found and get the problem answers from
 * {@link ProblemApiDocs}.
 */
class ProtocolApiDocs implements OpenApiCustomizer {

	private static final Map<String, String> TAGS = new LinkedHashMap<>();

	static {
		TAGS.put("/api/uploads", "uploads: list, status, download and delete any upload, whatever its protocol");
		TAGS.put("/api/chunked-upload", "django-chunked-upload: Content-Range chunks, then a completion with MD5");
		TAGS.put("/api/resumable", "resumable.js and flow.js: numbered chunks in any order, no completion request");
		TAGS.put("/api/tus", "tus 1.0 with every extension (tus.io/protocols/resumable-upload)");
		TAGS.put("/api/rufh", "Resumable Uploads for HTTP, IETF draft (interop versions 6, 8, 9)");
		TAGS.put("/api/admin", "administration (role ADMIN)");
	}

	private static final String TUS = "/api/tus";

	private static final String TUS_UPLOAD = "/api/tus/{uploadId}";

	private static final String RUFH = "/api/rufh";

	private static final String RUFH_UPLOAD = "/api/rufh/{uploadId}";

	@Override
	public void customise(OpenAPI api) {
		if (api.getPaths() == null) {
			return;
		}
		tag(api);
		chunked(api);
		resumable(api);
		tus(api);
		rufh(api);
	}

	private static void tag(OpenAPI api) {
		TAGS.forEach((prefix, description) -> {
			String name = prefix.substring("/api/".length());
			api.addTagsItem(new Tag().name(name).description(description));
			api.getPaths().forEach((path, item) -> {
				if (path.equals(prefix) || path.startsWith(prefix + "/")) {
					item.readOperations().forEach((operation) -> operation.setTags(List.of(name)));
				}
			});
		});
	}

	private static void chunked(OpenAPI api) {
		operation(api, "/api/chunked-upload",
				HttpMethod.POST)
			.ifPresent(
					(operation) -> operation
						.summary("Send a chunk; the first one (without upload_id) creates the upload")
						.addParametersItem(header("Content-Range",
								"`bytes START-END/TOTAL` of this chunk; without it the "
										+ "body is the whole file (unless fail-if-no-header)",
								false))
						.addParametersItem(
								query("upload_id", "The upload, for raw bodies (multipart sends it as a field)"))
						.requestBody(
								new RequestBody()
									.content(
											new Content()
												.addMediaType("multipart/form-data",
														new MediaType().schema(new ObjectSchema()
															.addProperty("upload_id",
																	new StringSchema()
																		.description("Before the file part"))
															.addProperty("file", new BinarySchema())))
												.addMediaType("application/octet-stream",
														new MediaType().schema(new BinarySchema())))));
		operation(api, "/api/chunked-upload/complete", HttpMethod.POST)
			.ifPresent(
					(operation) -> operation.summary("Complete an upload, checking the MD5 of the whole file")
						.requestBody(new RequestBody().required(true)
							.content(new Content().addMediaType("application/x-www-form-urlencoded",
									new MediaType().schema(new ObjectSchema()
										.addProperty("upload_id", new StringSchema())
										.addProperty("md5", new StringSchema().description("Hex MD5 of the file")))))));
	}

	private static void resumable(OpenAPI api) {
		for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
			operation(api, "/api/resumable", method).ifPresent((operation) -> {
				for (String name : List.of("ChunkNumber", "ChunkSize", "CurrentChunkSize", "TotalSize", "TotalChunks",
						"Identifier", "Filename")) {
					operation.addParametersItem(query("resumable" + name, "resumable.js's name (flow.js sends flow"
							+ name + "); in the query or, with " + "multipart, as fields before the file part"));
				}
				operation.addParametersItem(query("resumableRelativePath", "Optional"));
				operation.addParametersItem(query("resumableType", "Optional media type"));
			});
		}
		operation(api, "/api/resumable", HttpMethod.GET).ifPresent((operation) -> operation
			.summary("Test whether a chunk is stored (200) or not yet (204); never changes anything")
			.getResponses()
			.addApiResponse("204", new ApiResponse().description("Not stored yet: send it")));
		operation(api, "/api/resumable", HttpMethod.POST)
			.ifPresent((operation) -> operation
				.summary("Store one chunk; the chunk that makes the set full completes the upload")
				.requestBody(new RequestBody().content(new Content()
					.addMediaType("application/octet-stream", new MediaType().schema(new BinarySchema()))
					.addMediaType("multipart/form-data",
							new MediaType().schema(new ObjectSchema().addProperty("file", new BinarySchema())))))
				.getResponses()
				.addApiResponse("423", ProblemApiDocs.problem(423, Set.of("chunk-busy"))
					.addHeaderObject("Retry-After", responseHeader("Seconds before trying again"))));
	}

	private static void tus(OpenAPI api) {
		operation(api, TUS, HttpMethod.OPTIONS)
			.ifPresent((operation) -> answer(operation.summary("What the server " + "supports (no authentication)"),
					"200", "Supported versions, extensions and limits", "Tus-Version", "Tus-Extension", "Tus-Max-Size",
					"Tus-Checksum-Algorithm"));
		operation(api, TUS_UPLOAD, HttpMethod.OPTIONS)
			.ifPresent((operation) -> answer(operation.summary("What the " + "server supports (no authentication)"),
					"200", "As OPTIONS /api/tus", "Tus-Version", "Tus-Extension", "Tus-Max-Size",
					"Tus-Checksum-Algorithm"));
		operation(api, TUS, HttpMethod.POST).ifPresent((operation) -> answer(
				tusRequest(operation)
					.summary("Create an upload, optionally with its first bytes (creation-with-upload) or as the "
							+ "concatenation of partial uploads")
					.addParametersItem(header("Upload-Length", "The file's length; or Upload-Defer-Length", false))
					.addParametersItem(header("Upload-Defer-Length", "`1`: the length comes with a later PATCH", false))
					.addParametersItem(
							header("Upload-Metadata", "`key base64,key base64` (filename, filetype, ...)", false))
					.addParametersItem(header("Upload-Concat", "`partial`, or `final;/api/tus/A /api/tus/B`", false))
					.addParametersItem(
							header("Upload-Checksum", "`md5|sha1|sha256 base64` of a body sent along", false))
					.requestBody(octets("application/offset+octet-stream", "Optional first bytes")),
				"201", "Created", "Location", "Upload-Offset", "Upload-Expires", "Tus-Resumable"));
		operation(api, TUS_UPLOAD, HttpMethod.HEAD)
			.ifPresent((operation) -> answer(tusRequest(operation).summary("Where the upload stands"), "200",
					"Its offset (no-store)", "Upload-Offset", "Upload-Length", "Upload-Defer-Length", "Upload-Metadata",
					"Upload-Concat", "Upload-Expires", "Tus-Resumable"));
		operation(api, TUS_UPLOAD, HttpMethod.PATCH).ifPresent(
				(operation) -> answer(
						tusRequest(operation)
							.summary("Append bytes at Upload-Offset; bytes of a body that breaks off are kept")
							.addParametersItem(header("Upload-Offset",
									"Where these bytes start; must be the upload's offset", true))
							.addParametersItem(header("Upload-Length", "Declares a deferred length", false))
							.addParametersItem(header("Upload-Checksum",
									"`md5|sha1|sha256 base64` of this body (460 if it "
											+ "does not match; also as a trailer of a chunked body)",
									false))
							.addParametersItem(header("X-HTTP-Method-Override", "PATCH or DELETE sent as POST", false))
							.requestBody(octets("application/offset+octet-stream", "The bytes")),
						"204", "Stored", "Upload-Offset", "Upload-Expires", "Tus-Resumable"));
		operation(api, TUS_UPLOAD, HttpMethod.DELETE)
			.ifPresent((operation) -> answer(tusRequest(operation).summary("Terminate the upload and delete its bytes"),
					"204", "Terminated", "Tus-Resumable"));
	}

	private static Operation tusRequest(Operation operation) {
		return operation.addParametersItem(header("Tus-Resumable", "`1.0.0` (412 otherwise)", true));
	}

	private static void rufh(OpenAPI api) {
		for (String path : List.of(RUFH, RUFH_UPLOAD)) {
			PathItem item = api.getPaths().get(path);
			if (item != null) {
				item.readOperations()
					.forEach((operation) -> operation.addParametersItem(header("Upload-Draft-Interop-Version",
							"6, 8 or 9: the draft version the client speaks", true)));
			}
		}
		operation(api, RUFH, HttpMethod.OPTIONS)
			.ifPresent((operation) -> answer(operation.summary("The server's limits (no authentication)"), "200",
					"Limits", "Upload-Limit"));
		operation(api, RUFH, HttpMethod.POST).ifPresent((operation) -> answer(
				uploadComplete(operation)
					.summary("Create an upload with the bytes of the body; 104 interim answers carry its Location")
					.addParametersItem(header("Upload-Length", "The file's length, when known", false))
					.requestBody(octets("application/octet-stream", "The file, or its first bytes")),
				"201", "Created", "Location", "Upload-Offset", "Upload-Complete", "Upload-Limit"));
		operation(api, RUFH_UPLOAD, HttpMethod.HEAD)
			.ifPresent((operation) -> answer(operation.summary("Where the upload stands"), "204", "Its offset",
					"Upload-Offset", "Upload-Complete", "Upload-Length", "Upload-Limit"));
		operation(api, RUFH_UPLOAD, HttpMethod.PATCH).ifPresent((operation) -> answer(uploadComplete(operation)
			.summary("Append bytes at Upload-Offset (409 mismatching-upload-offset, an IANA problem type, otherwise)")
			.addParametersItem(header("Upload-Offset", "Where these bytes start", true))
			.requestBody(octets("application/partial-upload", "The bytes (version 6: any type)")), "204", "Stored",
				"Upload-Offset", "Upload-Complete"));
		operation(api, RUFH_UPLOAD, HttpMethod.DELETE).ifPresent(
				(operation) -> answer(operation.summary("Cancel the upload and delete its bytes"), "204", "Cancelled"));
	}

	private static Operation uploadComplete(Operation operation) {
		return operation.addParametersItem(header("Upload-Complete",
				"`?1` if the body ends the file, `?0` if more follows (version 6: Upload-Incomplete, inverted)", true));
	}

	/**
	 * The success answer, instead of springdoc's guess of 200 with the method's return
	 * type.
	 */
	private static void answer(Operation operation, String status, String description, String... headers) {
		ApiResponse response = new ApiResponse().description(description);
		for (String name : headers) {
			response.addHeaderObject(name, responseHeader(name));
		}
		if (!"200".equals(status)) {
			operation.getResponses().remove("200");
		}
		operation.getResponses().addApiResponse(status, response);
	}

	private static Optional<Operation> operation(OpenAPI api, String path, HttpMethod method) {
		PathItem item = api.getPaths().get(path);
		return Optional.ofNullable((item != null) ? item.readOperationsMap().get(method) : null);
	}

	private static Parameter header(String name, String description, boolean required) {
		return new Parameter().in("header")
			.name(name)
			.description(description)
			.required(required)
			.schema(name.endsWith("Offset") || name.endsWith("Length") ? new IntegerSchema().format("int64")
					: string());
	}

	private static Parameter query(String name, String description) {
		return new Parameter().in("query").name(name).description(description).required(false).schema(string());
	}

	private static Header responseHeader(String description) {
		return new Header().description(description).schema(string());
	}

	private static RequestBody octets(String mediaType, String description) {
		return new RequestBody().description(description)
			.content(new Content().addMediaType(mediaType, new MediaType().schema(new BinarySchema())));
	}

	private static Schema<String> string() {
		return new StringSchema();
	}

}

package dev.chunkedupload.multipart;

import java.io.IOException;

/**
 * A body that is not the {@code multipart/form-data} it claims to be: no boundary, a part
 * without headers' end, a body that ends before its closing delimiter, or a limit passed.
 * An {@link IOException}, so that a body that breaks off in the middle of a file part is
 * treated as any other broken body by the write path.
 */
public class MalformedMultipartException extends IOException {

	public MalformedMultipartException(String message) {
		super(message);
	}

}

package dev.chunkedupload.forms;

import dev.chunkedupload.upload.attach.UploadAttachments;
import dev.chunkedupload.upload.model.ChunkedUpload;
import dev.chunkedupload.upload.model.UploadStatus;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Binds a submitted upload id to a {@link CompletedUpload} of the signed-in user. Spring
 * Boot registers converter beans with MVC's conversion service, so any form property of
 * that type binds with no further set-up.
 * <p>
 * Why a converter and validation rather than a {@code HandlerMethodArgumentResolver}: the
 * upload is one field of a form object among others, so it should take part in the form's
 * data binding and {@code BindingResult}: a problem with it becomes a field error next to
 * the file field, with the other fields' errors, and the controller handles all of them
 * in one {@code hasErrors()}. A resolver would produce a separate argument whose errors
 * the controller would have to merge into the form by hand.
 * <p>
 * Only the caller's uploads are ever found: another user's id binds exactly like an id
 * that does not exist. The id is never used as a path.
 */
@Component
class CompletedUploadConverter implements Converter<String, CompletedUpload> {

	private final UploadAttachments attachments;

	CompletedUploadConverter(UploadAttachments attachments) {
		this.attachments = attachments;
	}

	@Override
	public CompletedUpload convert(String source) {
		String id = source.strip();
		if (id.isEmpty()) {
			return null;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()) {
			return CompletedUpload.notFound(id);
		}
		ChunkedUpload upload = this.attachments.findOwn(authentication.getName(), id).orElse(null);
		if (upload == null || upload.getStatus() == UploadStatus.ABORTED) {
			return CompletedUpload.notFound(id);
		}
		long size = upload.getTotalLength().orElse(upload.getOffset());
		if (upload.getStatus() != UploadStatus.COMPLETE) {
			return new CompletedUpload(id, upload.getFilename(), size, null, CompletedUpload.State.INCOMPLETE);
		}
		CompletedUpload.State state = this.attachments.isAttached(id) ? CompletedUpload.State.ATTACHED
				: CompletedUpload.State.ATTACHABLE;
		return new CompletedUpload(id, upload.getFilename(), size, upload.getMd5().orElse(null), state);
	}

}

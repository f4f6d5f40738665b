package dev.chunkedupload.forms;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/**
 * Reports what binding found wrong with a {@link CompletedUpload}, one message per case.
 */
class AttachableValidator implements ConstraintValidator<Attachable, CompletedUpload> {

	@Override
	public boolean isValid(CompletedUpload upload, ConstraintValidatorContext context) {
		if (upload == null || upload.isAttachable()) {
			return true;
		}
		String message = switch (upload.state()) {
			case NOT_FOUND -> "{dev.chunkedupload.forms.Attachable.notFound}";
			case INCOMPLETE -> "{dev.chunkedupload.forms.Attachable.incomplete}";
			case ATTACHED -> "{dev.chunkedupload.forms.Attachable.attached}";
			case ATTACHABLE -> throw new IllegalStateException();
		};
		context.disableDefaultConstraintViolation();
		context.buildConstraintViolationWithTemplate(message).addConstraintViolation();
		return false;
	}

}

package dev.chunkedupload.web;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The login page, the upload page and the flow.js page. The upload pages are shells:
 * their scripts talk to the django-chunked-upload or the resumable endpoints and to
 * {@code /api/uploads} with the session and the CSRF token the layout puts in the page.
 */
@Controller
class PagesController {

	private final PageSettings settings;

	PagesController(PageSettings settings) {
		this.settings = settings;
	}

	@GetMapping("/")
	String upload(Model model) {
		model.addAttribute("chunkSize", this.settings.chunkSize());
		model.addAttribute("chunkSizeText", this.settings.chunkSizeText());
		model.addAttribute("parallelUploads", this.settings.parallelUploads());
		return "upload";
	}

	/**
	 * The flow.js page: the same protocol as the upload-field widget
	 * ({@code /api/resumable}), driven by flow.js, for whole files rather than a form.
	 * @return the view
	 */
	@GetMapping("/flow")
	String flow() {
		return "flow";
	}

	@GetMapping("/login")
	String login(Authentication authentication) {
		if (authentication != null && authentication.isAuthenticated()
				&& !(authentication instanceof AnonymousAuthenticationToken)) {
			return "redirect:/";
		}
		return "login";
	}

}

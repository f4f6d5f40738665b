package dev.chunkedupload.web;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The login page and the upload pages. Each upload page is a shell: its script talks to
 * the django-chunked-upload endpoints ({@code /}), the resumable endpoints
 * ({@code /flow}) or the tus endpoint ({@code /tus}), and to {@code /api/uploads}, with
 * the session and the CSRF token the layout puts in the page.
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

	/**
	 * The tus page: tus-js-client sends the files, in chunks of the same size as the
	 * upload page's, optionally in parallel parts joined by the server (concatenation).
	 */
	@GetMapping("/tus")
	String tus(Model model) {
		model.addAttribute("chunkSize", this.settings.chunkSize());
		model.addAttribute("chunkSizeText", this.settings.chunkSizeText());
		model.addAttribute("parallelUploads", this.settings.parallelUploads());
		return "tus";
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

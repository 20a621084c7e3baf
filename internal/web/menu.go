package web

import (
	"net/http"
	"sort"
	"strconv"

	"folio/internal/blog"
)

// menuRow is one link of the menu editor's form: its place, and the row
// it sits under (-1: the top level).
type menuRow struct {
	Index        int
	Label, URL   string
	Order, Under int
}

// menuPage edits the site's navigation menu: links to pages, categories,
// tags or anywhere, in order, nested one level.
type menuPage struct {
	adminBase
	Errors
	Rows    []menuRow
	Tops    []menuRow // the rows others may sit under
	Choices []blog.MenuItem
	Custom  bool // a menu is set; else every published page stands in
}

// blankMenuRows is how many empty rows the form offers for new links.
const blankMenuRows = 4

func (s *Server) menuPage(w http.ResponseWriter, r *http.Request, status int, p menuPage) error {
	if !currentUser(r).CanManageSite() {
		return blog.ErrForbidden
	}
	ctx := r.Context()
	items := s.site.Settings().Menu()
	p.Custom = len(items) > 0
	if p.Rows == nil {
		if !p.Custom {
			pages, err := s.reading.Pages(ctx)
			if err != nil {
				return err
			}
			for _, pg := range pages {
				items = append(items, blog.MenuItem{Label: pg.Title, URL: pg.Path})
			}
		}
		for _, it := range items {
			top := len(p.Rows)
			p.Rows = append(p.Rows, menuRow{Label: it.Label, URL: it.URL, Under: -1})
			for _, c := range it.Children {
				p.Rows = append(p.Rows, menuRow{Label: c.Label, URL: c.URL, Under: top})
			}
		}
		for range blankMenuRows {
			p.Rows = append(p.Rows, menuRow{Under: -1})
		}
	}
	for i := range p.Rows {
		p.Rows[i].Index, p.Rows[i].Order = i, i+1
		if p.Rows[i].Under < 0 && p.Rows[i].Label != "" {
			p.Tops = append(p.Tops, p.Rows[i])
		}
	}
	var err error
	if p.Choices, err = s.menuChoices(r); err != nil {
		return err
	}
	p.adminBase = s.adminBase(r, s.say(r, "title_menu"), "menu")
	p.Flash = s.flashText(r, r.URL.Query().Get("done"))
	p.Saved = p.Flash != ""
	return s.render(w, status, "admin/menu", p)
}

func (s *Server) adminMenuShow(w http.ResponseWriter, r *http.Request) error {
	return s.menuPage(w, r, http.StatusOK, menuPage{})
}

// adminMenuSave builds the menu from the form's rows: in the order their
// numbers give, each under the row it names.
func (s *Server) adminMenuSave(w http.ResponseWriter, r *http.Request) error {
	var rows []menuRow
	for i := 0; i < 200; i++ {
		k := strconv.Itoa(i)
		if _, ok := r.PostForm["label_"+k]; !ok {
			break
		}
		row := menuRow{Index: i, Label: r.PostFormValue("label_" + k), URL: r.PostFormValue("url_" + k), Under: -1}
		row.Order, _ = strconv.Atoi(r.PostFormValue("order_" + k))
		if u, err := strconv.Atoi(r.PostFormValue("under_" + k)); err == nil {
			row.Under = u
		}
		rows = append(rows, row)
	}
	if add := r.PostFormValue("add"); add != "" {
		choices, err := s.menuChoices(r)
		if err != nil {
			return err
		}
		for _, c := range choices {
			if c.URL == add {
				rows = append(rows, menuRow{Index: len(rows), Label: c.Label, URL: c.URL, Order: 1 << 30, Under: -1})
			}
		}
	}
	items, bad := menuFromRows(rows)
	err := s.site.SaveMenu(r.Context(), currentUser(r), items)
	if err == nil && bad != "" {
		err = blog.FieldError("menu", bad)
	}
	if err != nil {
		errs, ferr := s.formErrors(r, err)
		if ferr != nil {
			return ferr
		}
		return s.menuPage(w, r, http.StatusUnprocessableEntity, menuPage{Errors: errs, Rows: rows})
	}
	http.Redirect(w, r, "/admin/menu?done=menu", http.StatusSeeOther)
	return nil
}

// menuFromRows nests the filled rows under the rows they name, in the
// order of their numbers; it says what is wrong with a row that names a
// row that is not at the top level.
func menuFromRows(rows []menuRow) ([]blog.MenuItem, string) {
	var filled []menuRow
	for _, row := range rows {
		if row.Label != "" || row.URL != "" {
			filled = append(filled, row)
		}
	}
	sort.SliceStable(filled, func(i, j int) bool { return filled[i].Order < filled[j].Order })
	tops := map[int]int{} // row index → position in the menu
	var items []blog.MenuItem
	for _, row := range filled {
		if row.Under < 0 {
			tops[row.Index] = len(items)
			items = append(items, blog.MenuItem{Label: row.Label, URL: row.URL})
		}
	}
	for _, row := range filled {
		if row.Under < 0 {
			continue
		}
		at, ok := tops[row.Under]
		if !ok {
			return nil, "“" + row.Label + "” sits under a link that is not at the top of the menu."
		}
		items[at].Children = append(items[at].Children, blog.MenuItem{Label: row.Label, URL: row.URL})
	}
	return items, ""
}

// adminMenuReset goes back to listing every published page.
func (s *Server) adminMenuReset(w http.ResponseWriter, r *http.Request) error {
	if err := s.site.SaveMenu(r.Context(), currentUser(r), nil); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/menu?done=menu-pages", http.StatusSeeOther)
	return nil
}

// menuChoices are the pages, categories and tags a menu may link to.
func (s *Server) menuChoices(r *http.Request) ([]blog.MenuItem, error) {
	var out []blog.MenuItem
	pages, err := s.reading.Pages(r.Context())
	if err != nil {
		return nil, err
	}
	for _, pg := range pages {
		out = append(out, blog.MenuItem{Label: pg.Title, URL: pg.Path})
	}
	for _, kind := range []blog.TermKind{blog.TermCategory, blog.TermTag} {
		terms, err := s.reading.Terms(r.Context(), kind)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			out = append(out, blog.MenuItem{Label: t.Name, URL: t.Path()})
		}
	}
	return out, nil
}

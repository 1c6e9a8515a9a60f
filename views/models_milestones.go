package views

// MilestoneForm is the add or edit form of a milestone on a project's timeline; ID is empty for a new one.
type MilestoneForm struct {
	ProjectID   string
	ID          string
	Title       string
	Date        string // YYYY-MM-DD
	Color       string
	Description string
	Errors      map[string]string
	Error       string
}

// GanttMilestoneItem is a milestone in the list under a project's chart, with its edit form.
type GanttMilestoneItem struct {
	Form MilestoneForm
}

// milestoneFormID keeps the ids of several forms on one page apart.
func milestoneFormID(f MilestoneForm, field string) string {
	if f.ID == "" {
		return "milestone-new-" + field
	}
	return "milestone-" + f.ID + "-" + field
}

func milestoneAction(f MilestoneForm) string {
	if f.ID == "" {
		return "/projects/" + f.ProjectID + "/milestones"
	}
	return "/milestones/" + f.ID
}

// milestoneShown is f, or the refused edit of it when edited holds one.
func milestoneShown(f MilestoneForm, edited []MilestoneForm) MilestoneForm {
	for _, e := range edited {
		if e.ID == f.ID {
			return e
		}
	}
	return f
}

'use strict';
// The admin's navigation sidebar starts collapsed: at 1366 px it took the room of the lists'
// columns. Runs before Django's deferred nav_sidebar.js, which reads this choice; the toggle still
// opens it and remembers that.
try {
    if (window.localStorage.getItem('django.admin.navSidebarIsOpen') === null) {
        window.localStorage.setItem('django.admin.navSidebarIsOpen', 'false');
    }
} catch (error) {
    // Storage refused (private mode): Django's default (open) applies.
}

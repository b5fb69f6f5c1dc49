"""Site administration: authorities, accounts, memberships."""

from sqlalchemy import select

from tests.conftest import form_errors
from tracker.extensions import db
from tracker.models import Authority, Membership, Programme, Role, User


def _admin(client, auth, create_user):
    admin = create_user("admin@example.org", admin_=True)
    auth.login(admin)
    return admin


def test_create_an_authority_makes_its_programme(client, auth, create_user):
    _admin(client, auth, create_user)
    response = client.post("/admin/authorities/new", data={
        "name": "Riverside Borough Council", "slug": "", "start_date": ["6", "1", "2026"]})
    assert response.status_code == 302
    authority = db.session.execute(select(Authority)).scalar_one()
    assert authority.slug == "riverside-borough-council"
    programme = db.session.execute(select(Programme)).scalar_one()
    assert str(programme.start_date) == "2026-01-06"


def test_authority_form_says_what_to_fix(client, auth, create_user, create_authority):
    _admin(client, auth, create_user)
    create_authority("Taken Council", slug="taken")
    response = client.post("/admin/authorities/new", data={
        "name": "Taken Council", "slug": "Bad Slug!", "start_date": ["", "", ""]})
    errors = form_errors(response.get_data(as_text=True))
    assert "Short name can only use lower-case letters, numbers and single hyphens between them" \
        in errors
    assert "Enter the programme start date" in errors
    response = client.post("/admin/authorities/new", data={
        "name": "Taken Council", "slug": "", "start_date": ["1", "1", "2026"]})
    assert form_errors(response.get_data(as_text=True)) == [
        "An authority with that name already exists"]


def test_create_a_user_with_an_invitation_link(client, auth, create_user):
    _admin(client, auth, create_user)
    response = client.post("/admin/users/new", data={
        "name": "New Person", "email": "New.Person@Example.org", "password": ""},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "set-password/" in page
    user = db.session.execute(select(User).where(User.email == "new.person@example.org")
                              ).scalar_one()
    assert user.password_hash is None


def test_user_form_refuses_a_duplicate_email_and_a_short_password(client, auth, create_user):
    _admin(client, auth, create_user)
    create_user("taken@example.org")
    response = client.post("/admin/users/new", data={
        "name": "X", "email": "TAKEN@example.org", "password": "short"})
    errors = form_errors(response.get_data(as_text=True))
    assert errors == ["Password must be at least 12 characters"]
    response = client.post("/admin/users/new", data={
        "name": "X", "email": "TAKEN@example.org", "password": ""})
    assert form_errors(response.get_data(as_text=True)) == [
        "An account with that email address already exists"]
    response = client.post("/admin/users/new", data={"name": "", "email": "not-an-email"})
    assert form_errors(response.get_data(as_text=True)) == [
        "Enter the person's full name",
        "Enter an email address in the correct format, like name@example.gov.uk"]


def test_add_change_and_remove_a_member(client, auth, create_user, authority):
    _admin(client, auth, create_user)
    person = create_user("pat@example.org", "Pat Member")
    response = client.post("/admin/authorities/testshire", data={
        "email": "pat@example.org", "role": "champion", "job_role": "Team Manager"})
    assert response.status_code == 302
    membership = db.session.execute(select(Membership).where(
        Membership.user_id == person.id)).scalar_one()
    assert membership.role == Role.CHAMPION
    again = client.post("/admin/authorities/testshire", data={
        "email": "pat@example.org", "role": "lead"})
    assert form_errors(again.get_data(as_text=True)) == [
        "Pat Member is already a member of Testshire County Council"]
    client.post(f"/admin/authorities/testshire/members/{membership.id}",
                data={"role": "lead", "job_role": "Assistant Director"})
    db.session.refresh(membership)
    assert membership.role == Role.LEAD
    client.post(f"/admin/authorities/testshire/members/{membership.id}/remove")
    db.session.expire_all()
    assert db.session.execute(select(Membership)).first() is None


def test_adding_an_unknown_email_says_to_create_the_account(client, auth, create_user,
                                                            authority):
    _admin(client, auth, create_user)
    response = client.post("/admin/authorities/testshire", data={
        "email": "ghost@example.org", "role": "lead"})
    assert form_errors(response.get_data(as_text=True)) == [
        "There is no account with that email address: create it first"]


def test_administrator_cannot_lock_themselves_out(client, auth, create_user):
    admin = _admin(client, auth, create_user)
    response = client.post(f"/admin/users/{admin.id}", data={"name": "Me", "active": "y"})
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.is_site_admin

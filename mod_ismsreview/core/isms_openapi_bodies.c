/* SPDX-License-Identifier: Apache-2.0 */
/* The response bodies of the contract that are not records of a descriptor: problems, the
 * completeness check, history, registers, audit trail, reports, and the members the core
 * derives for some kinds (isms_register.c, isms_workflow.c). JSON Schema written as JSON
 * with ' for " (the text holds no apostrophe). */
#include "isms_openapi.h"

#include <stdlib.h>
#include <string.h>

#define S "{'type':'string'}"
#define SN "{'type':['string','null']}"
#define I "{'type':'integer'}"
#define IN "{'type':['integer','null']}"
#define B "{'type':'boolean'}"
#define ANY "{}"
#define OBJ(req, props) "{'type':'object','additionalProperties':false,'required':[" req \
    "],'properties':{" props "}}"
#define ARR(items) "{'type':'array','items':" items "}"
#define R(name) "{'$ref':'#/components/schemas/" name "'}"

static const char bodies[] = "{"
    "'Problem':" OBJ("'type','title','status'",
        "'type':" S ",'title':" S ",'status':" I ",'detail':" S ","
        "'errors':" ARR(OBJ("'field','code','message'", "'field':" S ",'code':" S
                            ",'message':" S)) ","
        "'database':" S ",'blocking':" I ",'findings':" ARR(R("Finding")) ",'person_id':" I ",'errors_total':" I
        ",'unacknowledged':" I) ","
    "'Health':" OBJ("'status','database','schema_version'",
        "'status':" S ",'database':" S ",'schema_version':" I) ","
    "'Me':" OBJ("'user','display_name','roles','auth_type'",
        "'user':" S ",'display_name':" S ",'job_title':" SN ",'function':" SN
        ",'in_people_register':" B ",'roles':" ARR(S) ",'auth_type':" SN) ","
    "'Schema':" OBJ("'version','kinds','request_bodies'",
        "'version':" I ",'kinds':" ARR("{'type':'object'}") ","
        "'request_bodies':" ARR("{'type':'object'}")) ","
    "'OpenApi':{'type':'object','required':['openapi','info','paths'],'properties':{"
        "'openapi':" S ",'info':{'type':'object'},'paths':{'type':'object'}}},"
    "'Waiver_':" OBJ("'rule_id','subject'",
        "'rule_id':" S ",'subject':" SN ",'justification':" SN ",'waived_by':" SN
        ",'waived_at':" SN) ","
    "'Acknowledgement_':" OBJ("'rule_id','subject'",
        "'rule_id':" S ",'subject':" SN ",'comment':" SN ",'acknowledged_by':" SN
        ",'acknowledged_at':" SN) ","
    "'Finding':" OBJ("'rule','severity','message'",
        "'rule':" S ",'severity':{'enum':['E','W']},'message':" S ",'clause':" SN ","
        "'entity':" SN ",'entity_id':" IN ",'entity_ref':" SN ",'field':" SN ","
        "'subject':" S ",'waived':" B ",'waiver':{'anyOf':[" R("Waiver_") ",{'type':'null'}]},"
        "'acknowledged':" B ",'acknowledgement':{'anyOf':[" R("Acknowledgement_")
        ",{'type':'null'}]}") ","
    "'Check':" OBJ("'review_id','version','errors','warnings','blocking','unacknowledged',"
                   "'findings','waivers','acknowledgements'",
        "'review_id':" I ",'version':" I ",'errors':" I ",'warnings':" I ",'blocking':" I
        ",'unacknowledged':" I ",'findings':" ARR(R("Finding")) ",'not_evaluated':"
        "{'type':'object','additionalProperties':" S "},'waivers':" ARR(R("Waiver_"))
        ",'acknowledgements':" ARR(R("Acknowledgement_"))) ","
    "'History':" OBJ("'review_id','status','current_version','versions','transitions',"
                     "'approvals','waivers','acknowledgements'",
        "'review_id':" I ",'status':" S ",'current_version':" I ",'approvals_required':" I
        ",'live_matches_seal':"
        "{'type':['boolean','null']},"
        "'versions':" ARR(OBJ("'version','status','content_hash'",
            "'version':" I ",'status':" S ",'content_hash':" S ",'approved_at':" SN
            ",'approved_by':" SN ",'intact':" B ",'hash_in_audit_trail':" B)) ","
        "'transitions':" ARR(OBJ("'action','actor','created_at','prior_status','to_status'",
            "'action':" S ",'actor':" S ",'comment':" SN ",'created_at':" S
            ",'prior_status':" S ",'to_status':" S ",'version':" I)) ","
        "'approvals':" ARR(OBJ("'approver','created_at','version'",
            "'approver':" S ",'comment':" SN ",'created_at':" S ",'version':" I)) ","
        "'waivers':" ARR(OBJ("'rule_id','justification','waived_by'",
            "'rule_id':" S ",'subject':" SN ",'justification':" S ",'waived_by':" S
            ",'created_at':" S ",'version':" I)) ","
        "'acknowledgements':" ARR(OBJ("'rule_id','acknowledged_by'",
            "'rule_id':" S ",'subject':" SN ",'comment':" SN ",'acknowledged_by':" S
            ",'created_at':" S ",'version':" I))) ","
    "'Attachment':" OBJ("'id','review_id','item','filename','media_type','size','sha256',"
                        "'uploaded_by','uploaded_at'",
        "'id':" I ",'review_id':" I ",'item':" SN ",'filename':" S ",'media_type':" S
        ",'size':" I ",'sha256':" S ",'uploaded_by':" S ",'uploaded_at':" S) ","
    "'AttachmentSealed':" OBJ("'id','filename','media_type','size','sha256'",
        "'id':" I ",'review_id':" I ",'item':" SN ",'filename':" S ",'media_type':" S
        ",'size':" I ",'sha256':" S ",'uploaded_by':" S ",'uploaded_at':" S) ","
    "'ObjectiveRevisions':{'type':'object'},"
    "'ObjectiveRevise':{'type':'object'},"
    "'AttachmentList':" OBJ("'items'", "'items':" ARR(R("Attachment"))) ","
    "'ActionUpdateRecord':" OBJ("'id','created_at','created_by'",
        "'id':" I ",'created_at':" S ",'created_by':" S ",'status':" SN ",'progress':" IN
        ",'note':" SN ",'evidence_ref':" SN ",'due_date':" SN ",'reason':" SN
        ",'effectiveness_required':{'type':['boolean','null']},'effectiveness_method':" SN
        ",'effectiveness_due':" SN ",'effectiveness_result':" SN) ","
    "'ActionUpdates':" OBJ("'items'", "'items':" ARR(R("ActionUpdateRecord"))) ","
    "'MeasurementRecord':" OBJ("'id','period_to','value'",
        "'id':" I ",'created_at':" S ",'created_by':" S ",'period_from':" SN
        ",'period_to':" S ",'value':{'type':'number'},'evidence_ref':" SN ",'comment':" SN
        ",'direction':" SN ",'rag':" SN ",'target_at_time':{'type':['number','null']}") ","
    "'Measurements':" OBJ("'objective_id','items'",
        "'objective_id':" I ",'items':" ARR(R("MeasurementRecord")) ",'kpi':"
        "{'type':['object','null']},'latest_measurement':{'anyOf':[" R("MeasurementRecord")
        ",{'type':'null'}]},'rag':" SN ",'trend':" SN) ","
    "'AuditEvent':" OBJ("'id','seq','created_at','actor','action','hash','prev_hash'",
        "'id':" I ",'seq':" I ",'created_at':" S ",'actor':" SN ",'roles':" SN
        ",'action':" S ",'method':" SN ",'path':" SN ",'status':" IN ",'entity':" SN
        ",'entity_id':" IN ",'review_id':" IN ",'client':" SN ",'request_id':" SN
        ",'before':" ANY ",'after':" ANY ",'hash':" S ",'prev_hash':" S) ","
    "'AuditList':" OBJ("'items','next_cursor'",
        "'items':" ARR(R("AuditEvent")) ",'next_cursor':" SN) ","
    "'AuditVerify':" OBJ("'valid','events'",
        "'valid':" B ",'events':" I ",'head':" SN ",'first_bad':" IN ",'reason':" SN) ","
    "'BurnDown':" ARR(OBJ("'date','open'", "'date':" S ",'open':" I)) ","
    "'DashboardReport':" OBJ("'report','generated_at'",
        "'report':" S ",'generated_at':" S ",'today':" S ",'reviews_by_status':" ANY
        ",'awaiting_approval':" ANY ",'next_review':" ANY ",'actions_total':" ANY
        ",'actions_open':" ANY ",'actions_overdue':" ANY ",'actions_by_status':" ANY
        ",'actions_by_owner':" ANY ",'overdue_actions':" ANY ",'burn_down':" R("BurnDown")
        ",'objectives':" ANY ",'objectives_by_rag':" ANY ",'published_not_communicated':"
        ARR(OBJ("'id','ref','planned_count'", "'id':" I ",'ref':" S ",'title':" SN
                ",'version':" I ",'planned_count':" I ",'first_planned':" SN))) ","
    "'ActionsReport':" OBJ("'report','generated_at','items'",
        "'report':" S ",'generated_at':" S ",'today':" S ",'summary':" ANY ",'items':"
        ARR(ANY)) ","
    "'ComplianceReport':" OBJ("'report','generated_at','rows'",
        "'report':" S ",'generated_at':" S ",'filter':" ANY ",'rules':" ANY ",'rows':"
        ARR(ANY)) ","
    "'ReviewReport':" OBJ("'report','generated_at','review'",
        "'report':" S ",'generated_at':" S ",'generated_by':" SN ",'document':" ANY
        ",'review':" ANY ",'findings':" ANY ",'history':" ANY
        ",'burn_down':" R("BurnDown"))
    "}";

static const char extras[] = "{"
    "'review':{'approvals':" ARR(OBJ("'approver'", "'approver':" S ",'approved_at':" S
                                     ",'comment':" SN)) ",'sealed':" B ","
        "'attachments':" ARR(R("AttachmentSealed")) ","
        "'previous_external':" OBJ("'held_from','reference'",
            "'held_from':" S ",'held_to':" SN ",'reference':" S ",'evidence_ref':" SN
            ",'evidence_attachment_id':" IN ",'period_to':" SN ",'created_at':" SN
            ",'created_by':" SN ",'actions':" ARR(OBJ("'ref','title','owner','due_date','status'",
                "'ref':" S ",'title':" S ",'owner':" S ",'due_date':" S ",'status':" S))) "},"
    "'action':{'updates':" ARR(R("ActionUpdateRecord")) ",'update':" R("ActionUpdateRecord")
        ",'updates_count':" I "},"
    "'objective':{'latest_measurement':{'anyOf':[" R("MeasurementRecord") ",{'type':'null'}]},"
        "'measurement_count':" I ",'revision_id':" IN ",'measurements':" ARR(R("MeasurementRecord")) ","
        "'rag':{'enum':['RED','AMBER','GREEN',null]},'trend':" SN ","
        "'revisions':" ARR(OBJ("'revision_no','revision_type'",
            "'revision_no':" I ",'revision_type':" S ",'review_id':" IN ",'reason':" SN
            ",'changed_fields':{'type':'object'},'created_at':" S ",'created_by':" SN)) "},"
    "'input':{'objective_snapshots':" ARR("{'type':'object'}") ",'action_snapshots':" ARR(OBJ("'action_ref'",
        "'action_id':" I ",'prior_action_id':" I ",'external':" B ",'action_ref':" S ",'title':" SN ",'owner':" SN
        ",'status_at_review':" SN ",'progress_at_review':" IN ",'due_date_at_review':" SN
        ",'days_overdue':" IN ",'carry_over_count':" IN ",'replan_decision_id':" IN
        ",'effectiveness_at_review':{'type':['object','null']}"
        ",'conclusion':" R("ActionSnapshot/properties/conclusion") ",'conclusion_note':"
        SN)) "}"
    "}";

static json_t *load(const char *text)
{
    char *s = strdup(text), *c;
    json_t *j;

    if (!s) return NULL;
    for (c = s; *c; c++) {
        if (*c == '\'') *c = '"';
    }
    j = json_loads(s, 0, NULL);
    free(s);
    return j;
}

json_t *isms_openapi_bodies(void)
{
    return load(bodies);
}

json_t *isms_openapi_extras(const char *kind)
{
    json_t *all = load(extras), *one = json_incref(json_object_get(all, kind));

    json_decref(all);
    return one ? one : json_object();
}

/*
 * Declarations shared between the files of qom/ only.
 */
#ifndef QOM_OBJECT_INTERNAL_H
#define QOM_OBJECT_INTERNAL_H

#include "qom/object.h"

/* Release every property of obj, last added first (finalization). */
void object_property_del_all(Object *obj);

#endif /* QOM_OBJECT_INTERNAL_H */

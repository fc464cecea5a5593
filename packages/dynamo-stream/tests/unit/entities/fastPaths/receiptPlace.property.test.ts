import { RECEIPT_PLACE } from '../../../../src/entities/receiptPlace.js';
import { placeItem, seedPlaceItem } from '../../../helpers/factories.js';
import { describeItemFastPath } from '../../../helpers/itemFastPath.js';

const pk = placeItem()['PK']?.S ?? '';
const imageId = pk.slice('IMAGE#'.length);

describeItemFastPath('ReceiptPlace', RECEIPT_PLACE.itemParser, [placeItem(), seedPlaceItem()], {
  pk: [pk, `${pk}#x`, 'IMAGE#not-a-uuid', '', `IMAGE#${imageId.toUpperCase()}`],
  sk: ['RECEIPT#00001#PLACE', 'RECEIPT#1#PLACE', 'RECEIPT#00002#PLACE', 'RECEIPT#00001#PLACES', ''],
});
